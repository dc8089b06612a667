import type { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queueKeys } from "../../../runtime/redis/keys.js";
import type { Provider } from "../../../runtime/worker/provider.js";
import { addTask, eventually, fetchAtLeast, testProvider } from "../../support/provider.js";
import { connect, deleteKeys, uniquePrefix } from "../../support/redis.js";
import { testRegistry } from "../../support/registry.js";

const registry = testRegistry();
const never = new AbortController().signal;

describe("redis provider: stale entries, leases, lost groups, several queues", () => {
  let redis: Redis;
  let prefix: string;
  let keys: ReturnType<typeof queueKeys>;
  const providers: Provider[] = [];

  function provider(options: Parameters<typeof testProvider>[2] = {}): Provider {
    const p = testProvider(registry, prefix, options);
    providers.push(p);
    return p;
  }

  beforeEach(() => {
    redis = connect();
    prefix = uniquePrefix("provider-recovery");
    keys = queueKeys(registry.queues.default!, prefix);
  });

  afterEach(async () => {
    await Promise.all(providers.splice(0).map((p) => p.close()));
    await deleteKeys(redis, prefix);
    await deleteKeys(redis, `{${prefix}`);
    redis.disconnect();
  });

  it("derives claimMinIdleMs from the longest task timeout: max(30s, 2 × timeout + 5s)", () => {
    // default queue: send_email 10s, resize_image without one (library default 30s) → 65s
    expect(provider().claimMinIdleMs).toBe(65_000);
    expect(provider({ claimMinIdle: 1234 }).claimMinIdleMs).toBe(1234);
  });

  it("reclaims an entry idle past claimMinIdle from a dead consumer, with delivery count 2", async () => {
    const dead = provider({ consumer: "dead-worker" });
    await dead.start();
    const entryId = await addTask(redis, keys.stream);
    const [lost] = await fetchAtLeast(dead, 1);
    expect(lost?.entryId).toBe(entryId);

    const alive = provider({ consumer: "alive-worker", claimMinIdle: 200 });
    await alive.start();
    const [reclaimed] = await fetchAtLeast(alive, 1);
    expect(reclaimed).toMatchObject({ entryId, id: lost!.id, deliveryCount: 2, type: "send_email" });
    expect(await dead.ack(lost!)).toBe(false);
    expect(await alive.ack(reclaimed!)).toBe(true);
    expect(await redis.xlen(keys.stream)).toBe(0);
  });

  it("does not reclaim when auto-claim is off", async () => {
    const dead = provider({ consumer: "dead-worker" });
    await dead.start();
    await addTask(redis, keys.stream);
    await fetchAtLeast(dead, 1);
    const other = provider({ consumer: "other", claimMinIdle: 1, enableAutoClaim: false });
    await new Promise((r) => setTimeout(r, 20));
    expect(await other.fetch(10, never)).toEqual([]);
  });

  it("extendLease keeps an in-flight entry from being reclaimed; once it stops, the entry is reclaimed", async () => {
    const owner = provider({ consumer: "slow-worker" });
    await owner.start();
    await addTask(redis, keys.stream);
    const [task] = await fetchAtLeast(owner, 1);
    const thief = provider({ consumer: "thief", claimMinIdle: 1000 });
    const leases = setInterval(() => void owner.extendLease([task!]), 100);
    try {
      const until = Date.now() + 2500;
      while (Date.now() < until) expect(await thief.fetch(10, never)).toEqual([]);
      expect(await owner.extendLease([task!])).toBe(1);
    } finally {
      clearInterval(leases);
    }
    const [reclaimed] = await fetchAtLeast(thief, 1);
    expect(reclaimed?.entryId).toBe(task!.entryId);
    expect(await owner.extendLease([task!])).toBe(0);
  });

  it("recreates a lost consumer group (stream deleted under it) and consumes what comes next", async () => {
    const p = provider();
    await p.start();
    await redis.del(keys.stream);
    const entryId = await addTask(redis, keys.stream);
    const [task] = await fetchAtLeast(p, 1);
    expect(task?.entryId).toBe(entryId);
  });

  it("reads several queues of one group in one XREADGROUP and names each task's queue", async () => {
    const p = provider({ queues: ["default", "critical"] });
    await p.start();
    const critical = queueKeys(registry.queues.critical!, prefix);
    await addTask(redis, keys.stream);
    await addTask(redis, critical.stream);
    const tasks = await fetchAtLeast(p, 2);
    expect(tasks.map((t) => t.queue).sort()).toEqual(["critical", "default"]);
    for (const t of tasks) expect(await p.ack(t)).toBe(true);
  });

  it("never returns more than max from a read of several streams; the rest comes with the next fetch", async () => {
    const p = provider({ queues: ["default", "critical"] });
    await p.start();
    const critical = queueKeys(registry.queues.critical!, prefix);
    for (let i = 0; i < 3; i++) {
      await addTask(redis, keys.stream);
      await addTask(redis, critical.stream);
    }
    const batches: number[] = [];
    const seen = new Set<string>();
    while (seen.size < 6 && batches.length < 20) {
      const batch = await p.fetch(4, never);
      batches.push(batch.length);
      for (const t of batch) seen.add(`${t.queue} ${t.entryId}`);
    }
    expect(Math.max(...batches)).toBeLessThanOrEqual(4);
    expect(seen.size).toBe(6);
  });

  it("a delayed member that is not JSON is promoted as an entry, for the worker to dead-letter", async () => {
    const p = provider();
    await p.start();
    await redis.zadd(keys.delayed, 0, "not json");
    const [task] = await fetchAtLeast(p, 1);
    expect(task).toMatchObject({
      type: undefined,
      payload: undefined,
      fields: { delayed_member: "not json" },
    });
  });

  it("close() during a blocking fetch ends it with nothing", async () => {
    const p = provider({ block: 30_000 });
    await p.start();
    const fetching = p.fetch(10, never);
    await new Promise((r) => setTimeout(r, 100));
    await p.close();
    expect(await fetching).toEqual([]);
  });

  it("reads queues of different consumer groups", async () => {
    const twoGroups = {
      ...registry,
      queues: { ...registry.queues, critical: { ...registry.queues.critical!, group: "urgent" } },
    };
    const p = testProvider(twoGroups, prefix, { queues: ["default", "critical"] });
    providers.push(p);
    await p.start();
    const critical = queueKeys(twoGroups.queues.critical, prefix);
    await addTask(redis, keys.stream);
    await addTask(redis, critical.stream);
    const tasks = await fetchAtLeast(p, 2);
    expect(tasks.map((t) => t.queue).sort()).toEqual(["critical", "default"]);
    for (const t of tasks) expect(await p.ack(t)).toBe(true);
    await eventually(async () => (await redis.xlen(critical.stream)) === 0, "the critical entry is acked");
  });

  it("refuses an unknown queue with a clear error", () => {
    expect(() => provider({ queues: ["nope"] })).toThrow(
      /`queues` names "nope", which is not a queue of the schema \(queues: default, critical\)/,
    );
  });
});

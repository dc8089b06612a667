// Rate limits and the concurrency cap on a queue of 3 partitions, against a real Redis, with worker
// processes: each tenant's tasks are spread over every partition, and yet its limit holds within
// 5 %; the cap is never exceeded (sampled from the handlers' start and end times), parked tasks
// come back to their own partitions, and nothing runs twice. A schedule's ticks go to one
// partition, each once.
import { fileURLToPath } from "node:url";
import type { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAdmin } from "../../../runtime/admin/admin.js";
import { createProducer, type Producer } from "../../../runtime/producer/producer.js";
import { schedulePartition } from "../../../runtime/policy/schedule-partition.js";
import { partitionKeys } from "../../../runtime/redis/partitions.js";
import { createWorkerRuntime } from "../../../runtime/worker/worker.js";
import { startChildWorker, type ChildWorker } from "../../support/child-worker.js";
import { POLICY_CAP, POLICY_RATE, policyRegistry } from "../../support/policy-registry.js";
import { eventually, quietLogger, streamFields } from "../../support/provider.js";
import { connect, deleteKeys, testRedisUrl, uniquePrefix } from "../../support/redis.js";
import { TEST_WORKER_OPTIONS } from "../../support/worker.js";

const SCRIPT = fileURLToPath(new URL("../../support/policy-worker-process.ts", import.meta.url));
const PARTITIONS = 3;

interface LogLine {
  type: string;
  id: string;
  tenant?: string;
  attempt: number;
  event: "start" | "end";
  at: number;
  pid: number;
}

describe("rate limits and the concurrency cap on a queue of 3 partitions, 2 worker processes", () => {
  const registry = policyRegistry({ partitions: PARTITIONS });
  let redis: Redis;
  let prefix: string;
  let producer: Producer;
  const children: ChildWorker[] = [];
  beforeEach(() => {
    redis = connect();
    prefix = uniquePrefix("partitioned-policy");
    producer = createProducer(registry, { redis: testRedisUrl(), keyPrefix: prefix, logger: quietLogger });
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill("SIGKILL");
      await child.exited;
    }
    await producer.close();
    await deleteKeys(redis, prefix);
    await deleteKeys(redis, `{${prefix}`);
    redis.disconnect();
  });

  const partitions = () => partitionKeys(registry.queues.default!, prefix);
  const readLog = async (): Promise<LogLine[]> =>
    (await redis.lrange(`${prefix}log`, 0, -1)).map((line) => JSON.parse(line) as LogLine);
  const startWorkers = async (env: Record<string, string> = {}): Promise<void> => {
    for (let i = 0; i < 2; i++)
      children.push(
        startChildWorker(
          {
            REDIS_URL: testRedisUrl(),
            JOBGEN_TEST_PREFIX: prefix,
            JOBGEN_TEST_CLAIM_IDLE_MS: "3000",
            JOBGEN_TEST_PARTITIONS: String(PARTITIONS),
            ...env,
          },
          SCRIPT,
        ),
      );
    await Promise.all(children.map((child) => child.waitForLog("worker started")));
  };

  it("holds a per-tenant limit of 20/s within 5 % over 5 s, each task started once, on its first attempt", async () => {
    const perTenant = 160; // 8 s of starts at 20/s: the backlog outlasts the 5 s measured
    await producer.enqueueBulk(
      Array.from({ length: perTenant }, (_, n) =>
        ["acme", "globex"].map((tenant) => ({ type: "limited", payload: { tenant, n } })),
      ).flat(),
    );
    // Round robin put each tenant's tasks on every partition.
    for (const keys of partitions()) {
      const tenants = (await streamFields(redis, keys.stream)).map(
        (fields) => (JSON.parse(fields.payload ?? "{}") as { tenant?: string }).tenant,
      );
      expect(tenants.filter((t) => t === "acme").length).toBeGreaterThan(perTenant / 4);
      expect(tenants.filter((t) => t === "globex").length).toBeGreaterThan(perTenant / 4);
    }
    await startWorkers();
    await eventually(
      async () => (await readLog()).filter((l) => l.event === "start").length >= 2 * 120,
      "6 s of starts",
      30_000,
    );
    const starts = (await readLog()).filter((l) => l.event === "start");
    const expected = (5_000 / POLICY_RATE.perMs) * POLICY_RATE.limit; // 100 per tenant in 5 s
    for (const tenant of ["acme", "globex"]) {
      const times = starts
        .filter((l) => l.tenant === tenant)
        .map((l) => l.at)
        .sort((a, b) => a - b);
      const first = times[0] ?? 0;
      const inFiveSeconds = times.filter((t) => t < first + 5_000).length;
      expect(inFiveSeconds).toBeGreaterThanOrEqual(expected * 0.95);
      expect(inFiveSeconds).toBeLessThanOrEqual(expected * 1.05);
    }
    expect(new Set(starts.map((l) => l.pid)).size).toBe(2);
    expect(starts.every((l) => l.attempt === 1)).toBe(true);
    expect(new Set(starts.map((l) => l.id)).size).toBe(starts.length);
  }, 60_000);

  it("never runs more than 3 capped tasks at once; parked tasks come back to their own partitions", async () => {
    const total = 30;
    const enqueued = await producer.enqueueBulk(
      Array.from({ length: total }, (_, n) => ({ type: "capped", payload: { n } })),
    );
    // Which partition holds each task (by id) before any worker runs.
    const home = new Map<string, number>();
    for (const [partition, keys] of partitions().entries())
      for (const fields of await streamFields(redis, keys.stream)) home.set(fields.id ?? "", partition);
    expect(new Set(home.values()).size).toBe(PARTITIONS);
    expect(home.size).toBe(enqueued.length);

    // Where tasks wait and come back, sampled while the workers run: each partition's parked list
    // and stream.
    const seenIn = new Map<string, Set<number>>();
    const parkedIn = new Map<string, Set<number>>();
    const note = (seen: Map<string, Set<number>>, id: string, partition: number): void =>
      void seen.set(id, (seen.get(id) ?? new Set()).add(partition));
    // And what `jobgen stats` says of the cap meanwhile (admin.concurrencyCaps).
    const admin = createAdmin(registry, { redis: testRedisUrl(), keyPrefix: prefix });
    const reported = { running: 0, parked: 0 };
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const cap = (await admin.concurrencyCaps()).find((c) => c.task === "capped");
        reported.running = Math.max(reported.running, cap?.running ?? 0);
        reported.parked = Math.max(reported.parked, cap?.parked ?? 0);
        for (const [partition, keys] of partitions().entries()) {
          for (const fields of await streamFields(redis, keys.stream))
            note(seenIn, fields.id ?? "", partition);
          for (const member of await redis.lrange(`${keys.slots}capped:parked`, 0, -1))
            note(parkedIn, (JSON.parse(member) as { id: string }).id, partition);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await startWorkers({ JOBGEN_TEST_WORK_MS: "300" });
    await eventually(
      async () => new Set((await readLog()).filter((l) => l.event === "end").map((l) => l.id)).size === total,
      "every capped task done",
      40_000,
    );
    sampling = false;
    await sampler;
    await admin.close();

    const log = await readLog();
    const runs = log
      .filter((l) => l.event === "start")
      .map((start) => {
        const end = log.find(
          (l) => l.event === "end" && l.id === start.id && l.pid === start.pid && l.at >= start.at,
        );
        return { from: start.at, to: end?.at ?? Number.POSITIVE_INFINITY };
      });
    const events = runs.flatMap((r) => [
      { at: r.from, delta: 1 },
      { at: r.to, delta: -1 },
    ]);
    events.sort((a, b) => a.at - b.at || a.delta - b.delta); // an end before a start at the same ms
    let running = 0;
    let most = 0;
    for (const event of events) {
      running += event.delta;
      most = Math.max(most, running);
    }
    expect(most).toBeLessThanOrEqual(POLICY_CAP);
    expect(most).toBe(POLICY_CAP); // the cap was reached: the sampling saw it at work
    // Each task ran once, on its first attempt: waiting for a slot used no retry.
    expect(runs.length).toBe(total);
    expect(log.filter((l) => l.event === "start").every((l) => l.attempt === 1)).toBe(true);
    // Tasks were parked (2 workers reading 10 each, a cap of 3), each in its own partition's list
    // and only ever seen back on its own partition's stream; none is left parked.
    expect(parkedIn.size).toBeGreaterThan(3);
    expect(new Set([...parkedIn.values()].flatMap((seen) => [...seen])).size).toBe(PARTITIONS);
    for (const seen of [parkedIn, seenIn])
      for (const [id, partitionsSeen] of seen) expect([...partitionsSeen]).toEqual([home.get(id)]);
    const parked = await Promise.all(partitions().map((keys) => redis.exists(`${keys.slots}capped:parked`)));
    expect(parked).toEqual([0, 0, 0]);
    expect(reported.running).toBeGreaterThan(0);
    expect(reported.running).toBeLessThanOrEqual(POLICY_CAP);
    expect(reported.parked).toBeGreaterThan(0);
  }, 60_000);
});

describe("a schedule of a task on a queue of 3 partitions", () => {
  it("enqueues each tick once, from 2 workers, into its one partition, which keeps its state", async () => {
    const registry = policyRegistry({ partitions: PARTITIONS, withSchedule: true });
    const redis = connect();
    const prefix = uniquePrefix("partitioned-schedule");
    const started: string[] = [];
    const workers = [0, 1].map(() =>
      createWorkerRuntime(
        registry,
        {
          ...TEST_WORKER_OPTIONS,
          redis: testRedisUrl(),
          keyPrefix: prefix,
          logger: quietLogger,
          queues: ["default"],
        },
        {
          tick: async (_payload: { n: number }, ctx) => void started.push(ctx.taskId),
          limited: async () => {},
          capped: async () => {},
        },
      ),
    );
    try {
      await Promise.all(workers.map((w) => w.start()));
      await eventually(async () => started.length >= 3, "3 ticks ran", 10_000);
      await Promise.all(workers.map((w) => w.stop()));
      expect(new Set(started).size).toBe(started.length);
      const all = partitionKeys(registry.queues.default!, prefix);
      const home = schedulePartition("every_second", registry.tasks.tick!, registry.queues.default!, {
        n: 1,
      });
      const added = await Promise.all(
        all.map(async (keys) => {
          if ((await redis.exists(keys.stream)) === 0) return 0;
          const info = (await redis.call("XINFO", "STREAM", keys.stream)) as unknown[];
          return Number(info[info.indexOf("entries-added") + 1]);
        }),
      );
      expect(added).toEqual(all.map((_, i) => (i === home ? started.length : 0)));
      const states = await Promise.all(all.map((keys) => redis.hget(keys.schedules, "every_second")));
      expect(states.map((tick) => tick !== null)).toEqual(all.map((_, i) => i === home));
      const lastTick = Math.max(...started.map((id) => Date.parse(id.slice("every_second@".length))));
      expect(Number(states[home])).toBe(lastTick);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await deleteKeys(redis, prefix);
      await deleteKeys(redis, `{${prefix}`);
      redis.disconnect();
    }
  }, 30_000);
});

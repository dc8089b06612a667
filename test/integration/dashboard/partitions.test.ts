// The dashboard over a partitioned queue: stats summed over the partitions with each stream named,
// DLQ pages that run through every partition's DLQ, and a replay back to the entry's partition.
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOKEN_HEADER } from "../../../runtime/dashboard/index.js";
import { partitionKeys } from "../../../runtime/redis/partitions.js";
import type { TaskRegistry } from "../../../runtime/types.js";
import { serveDashboard, type ServedDashboard } from "../../support/dashboard.js";
import { connect, deleteKeys, testRedisUrl, uniquePrefix } from "../../support/redis.js";
import { testRegistry } from "../../support/registry.js";

const TOKEN = "partitions-test-token-0123";

describe("dashboard over a partitioned queue", () => {
  const base = testRegistry();
  const registry: TaskRegistry = {
    ...base,
    queues: { ...base.queues, default: { ...base.queues.default!, partitions: 3 } },
  };
  const queue = registry.queues.default!;
  const prefix = uniquePrefix("dash-partitions");
  let redis: Redis;
  let served: ServedDashboard;

  beforeAll(async () => {
    redis = connect();
    const keys = partitionKeys(queue, prefix);
    for (const [partition, { dlq }] of keys.entries()) {
      for (let i = 0; i < 2; i++) {
        await redis.xadd(
          dlq,
          "*",
          ...["type", "send_email", "id", `task-${partition}-${i}`, "retry", "3"],
          ...["payload", JSON.stringify({ to: `p${partition}@example.com`, subject: "hi" })],
          ...["dlq_reason", "max_retries", "dlq_error", "smtp down"],
        );
      }
    }
    served = await serveDashboard({
      registry,
      redis: testRedisUrl(),
      keyPrefix: prefix,
      allowWrites: true,
      token: TOKEN,
    });
  });

  afterAll(async () => {
    await served.close();
    await deleteKeys(redis, prefix);
    await deleteKeys(redis, `{${prefix}`);
    await redis.quit();
  });

  it("sums the partitions' counts and names each stream", async () => {
    const overview = (await (await fetch(`${served.origin}/api/overview`)).json()) as {
      queues: { queue: string; deadLetters: number; streams: string[] }[];
    };
    const stats = overview.queues.find((q) => q.queue === "default")!;
    expect(stats.deadLetters).toBe(6);
    expect(stats.streams).toEqual(partitionKeys(queue, prefix).map((k) => k.stream));
  });

  it("pages through every partition's DLQ and replays an entry to its own partition", async () => {
    const refs: string[] = [];
    let cursor = "";
    do {
      const page = (await (
        await fetch(`${served.origin}/api/dlq?queue=default&count=4&cursor=${cursor}`)
      ).json()) as { entries: { ref: string }[]; nextCursor: string | null };
      refs.push(...page.entries.map((e) => e.ref));
      cursor = page.nextCursor ?? "";
    } while (cursor !== "");
    expect(refs.map((ref) => ref.split("/")[1])).toEqual(["0", "0", "1", "1", "2", "2"]);

    const ref = refs[3]!;
    const shown = (await (await fetch(`${served.origin}/api/dlq/entry?ref=${ref}`)).json()) as {
      entry: { taskId: string };
      check: { ok: boolean };
    };
    expect(shown.entry.taskId).toBe("task-1-1");
    expect(shown.check.ok).toBe(true);

    const started = (await (
      await fetch(`${served.origin}/api/replay`, {
        method: "POST",
        headers: { "content-type": "application/json", [TOKEN_HEADER]: TOKEN },
        body: JSON.stringify({ ref }),
      })
    ).json()) as { id: string };
    let job = { done: false, replayed: 0 };
    while (!job.done) {
      job = (await (await fetch(`${served.origin}/api/replay?id=${started.id}`)).json()) as typeof job;
    }
    expect(job.replayed).toBe(1);
    const keys = partitionKeys(queue, prefix);
    expect(await Promise.all(keys.map((k) => redis.xlen(k.stream)))).toEqual([0, 1, 0]);
    expect(await Promise.all(keys.map((k) => redis.xlen(k.dlq)))).toEqual([2, 1, 2]);
  });
});

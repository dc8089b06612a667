// Rate limits and the concurrency cap of a partitioned queue on a real Cluster of 3 masters: the
// policy keys (a rate bucket, a running set) are in slots of their own, away from the partitions'
// keys, and two workers still run every task, waiting for starts and parking for slots, without a
// CROSSSLOT error.
import type { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { createProducer } from "../../runtime/producer/producer.js";
import { parkedKey } from "../../runtime/redis/keys.js";
import { partitionKeys } from "../../runtime/redis/partitions.js";
import { policyKey } from "../../runtime/redis/policy-keys.js";
import { createWorkerRuntime } from "../../runtime/worker/worker.js";
import { policyRegistry } from "../support/policy-registry.js";
import { eventually, quietLogger } from "../support/provider.js";
import { connect, deleteKeys, testRedisUrl, uniquePrefix } from "../support/redis.js";
import { TEST_WORKER_OPTIONS } from "../support/worker.js";

describe("policies of a partitioned queue on a Redis Cluster", () => {
  it("keep their keys apart from the partitions' and run every task, held back, without CROSSSLOT", async () => {
    const redis: Redis = connect();
    const prefix = uniquePrefix("cluster-policy");
    const registry = policyRegistry({ partitions: 3 });
    const queue = registry.queues.default!;
    const slotOf = async (key: string): Promise<number> =>
      (await redis.call("CLUSTER", "KEYSLOT", key)) as number;

    const bucket = policyKey(queue, prefix, 'rate:limited:"acme"');
    const running = policyKey(queue, prefix, "slots:capped:running");
    const partitions = partitionKeys(queue, prefix);
    const partitionSlots = await Promise.all(partitions.map((keys) => slotOf(keys.stream)));
    expect(new Set(partitionSlots).size).toBe(3);
    for (const [i, keys] of partitions.entries())
      expect(await slotOf(parkedKey(keys, "capped"))).toBe(partitionSlots[i]);
    expect(await slotOf(`${bucket}:reserved`)).toBe(await slotOf(bucket));
    const policySlots = [await slotOf(bucket), await slotOf(running)];
    expect(policySlots.some((slot) => !partitionSlots.includes(slot))).toBe(true);

    const producer = createProducer(registry, {
      redis: testRedisUrl(),
      keyPrefix: prefix,
      logger: quietLogger,
    });
    const workers = [0, 1].map(() =>
      createWorkerRuntime(
        registry,
        {
          ...TEST_WORKER_OPTIONS,
          redis: testRedisUrl(),
          keyPrefix: prefix,
          logger: quietLogger,
          queues: ["default"],
          concurrency: 10,
        },
        {
          tick: async () => {},
          limited: async () => {},
          capped: () => new Promise<void>((resolve) => setTimeout(resolve, 150)),
        },
      ),
    );
    try {
      await Promise.all(workers.map((w) => w.start()));
      await producer.enqueueBulk([
        ...Array.from({ length: 12 }, (_, n) => ({ type: "limited", payload: { tenant: "acme", n } })),
        ...Array.from({ length: 12 }, (_, n) => ({ type: "capped", payload: { n } })),
      ]);
      const sum = (pick: (w: (typeof workers)[number]) => number | undefined): number =>
        workers.reduce((total, w) => total + (pick(w) ?? 0), 0);
      await eventually(
        async () =>
          sum((w) => w.metrics.snapshot().processed.limited?.success) === 12 &&
          sum((w) => w.metrics.snapshot().processed.capped?.success) === 12,
        "every task done",
        30_000,
      );
      // Held back on the way: starts waited for the bucket, capped tasks were parked in their partitions.
      expect(sum((w) => w.metrics.snapshot().throttled.limited?.rate_limit?.count)).toBeGreaterThan(0);
      expect(sum((w) => w.metrics.snapshot().throttled.capped?.concurrency?.count)).toBeGreaterThan(0);
      // No attempt failed (a CROSSSLOT error would fail or retry it).
      for (const w of workers)
        for (const type of ["limited", "capped"])
          expect(
            Object.keys(w.metrics.snapshot().processed[type] ?? {}).filter((o) => o !== "success"),
          ).toEqual([]);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await producer.close();
      await deleteKeys(redis, prefix);
      await deleteKeys(redis, `{${prefix}`);
      redis.disconnect();
    }
  });
});

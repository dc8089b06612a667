// A partitioned queue on a real Cluster of 3 masters: its partitions' keys are where keys.ts and
// partitions.ts say (CLUSTER KEYSLOT), its partitions land on different masters, and two workers
// process everything producers write to it, every partition taking a share.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { z } from "zod";
import { createProducer } from "../../runtime/producer/producer.js";
import { partitionKeys } from "../../runtime/redis/partitions.js";
import { keySlot } from "../../runtime/redis/slot.js";
import type { QueueDefinition, TaskRegistry } from "../../runtime/types.js";
import { createWorkerRuntime } from "../../runtime/worker/worker.js";
import { HOSTILE_STREAMS } from "../support/hostile-streams.js";
import { eventually, quietLogger } from "../support/provider.js";
import { connect, deleteKeys, testRedisUrl, uniquePrefix } from "../support/redis.js";
import { TEST_WORKER_OPTIONS } from "../support/worker.js";

const queue = (stream: string, partitions: number): QueueDefinition => ({
  name: "q",
  stream,
  group: "g",
  dlq: `${stream}:dlq`,
  partitions,
});

describe("partitioned queues on a Redis Cluster", () => {
  let redis: Redis;
  /** The master serving each slot, by its `host:port`. */
  let masterOf: (slot: number) => string;
  beforeAll(async () => {
    redis = connect();
    const ranges = (await redis.call("CLUSTER", "SLOTS")) as [number, number, [string, number]][];
    masterOf = (slot) => {
      const range = ranges.find(([from, to]) => slot >= from && slot <= to);
      return range === undefined ? "none" : `${range[2][0]}:${range[2][1]}`;
    };
  });
  afterAll(() => redis.disconnect());

  it.each(HOSTILE_STREAMS.flatMap((stream) => ["", "app:"].map((prefix) => ({ stream, prefix }))))(
    "stream $stream, prefix $prefix: 3 partitions on 3 masters, 6 on each master twice",
    async ({ stream, prefix }) => {
      expect(new Set(Array.from({ length: 16384 }, (_, slot) => masterOf(slot))).size).toBe(3);
      for (const n of [3, 6]) {
        const all = partitionKeys(queue(stream, n), prefix);
        for (const keys of all) {
          const slot = keySlot(keys.stream);
          for (const key of [keys.stream, keys.delayed, keys.dlq, `${keys.idempotency}k`]) {
            expect(await redis.call("CLUSTER", "KEYSLOT", key)).toBe(slot);
          }
        }
        const perMaster = new Map<string, number>();
        for (const keys of all) {
          const master = masterOf(keySlot(keys.stream));
          perMaster.set(master, (perMaster.get(master) ?? 0) + 1);
        }
        expect([...perMaster.values()]).toEqual([n / 3, n / 3, n / 3]);
      }
    },
  );

  it("two workers process everything written to a queue of 3 partitions, each master a share", async () => {
    const prefix = uniquePrefix("cluster-partitions");
    const registry: TaskRegistry = {
      queues: {
        orders: { name: "orders", stream: "orders", group: "workers", dlq: "orders:dlq", partitions: 3 },
      },
      tasks: {
        charge: {
          name: "charge",
          queue: "orders",
          partitionKey: ["customer"],
          validator: z.object({ customer: z.string(), seq: z.number().int() }),
        },
      },
    };
    const options = { redis: testRedisUrl(), keyPrefix: prefix, logger: quietLogger };
    const producer = createProducer(registry, options);
    const seen = new Map<string, number[]>();
    const workers = [0, 1].map(() =>
      createWorkerRuntime(
        registry,
        { ...TEST_WORKER_OPTIONS, ...options, queues: ["orders"], concurrency: 10 },
        {
          charge: async (payload: { customer: string; seq: number }) => {
            seen.set(payload.customer, [...(seen.get(payload.customer) ?? []), payload.seq]);
          },
        },
      ),
    );
    try {
      await Promise.all(workers.map((w) => w.start()));
      const customers = Array.from({ length: 30 }, (_, i) => `customer-${i}`);
      await producer.enqueueBulk(
        Array.from({ length: 20 }, (_, seq) =>
          customers.map((customer) => ({ type: "charge", payload: { customer, seq } })),
        ).flat(),
      );
      for (const customer of customers.slice(0, 10)) await producer.enqueue("charge", { customer, seq: 20 });
      await eventually(async () => [...seen.values()].flat().length >= 610, "610 tasks handled", 30_000);
      for (const customer of customers) {
        const seqs = seen.get(customer) ?? [];
        expect([...seqs].sort((a, b) => a - b)).toEqual(
          Array.from({ length: Number(customer.slice("customer-".length)) < 10 ? 21 : 20 }, (_, i) => i),
        );
      }
      // Each partition (each on its own master) was written to and emptied.
      const all = partitionKeys(registry.queues.orders!, prefix);
      expect(new Set(all.map((k) => masterOf(keySlot(k.stream)))).size).toBe(3);
      for (const k of all) {
        const info = (await redis.call("XINFO", "STREAM", k.stream)) as unknown[];
        const added = Number(info[info.indexOf("entries-added") + 1]);
        expect(added).toBeGreaterThan(0);
        expect(await redis.xlen(k.stream)).toBe(0);
      }
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await producer.close();
      await deleteKeys(redis, prefix);
    }
  });
});

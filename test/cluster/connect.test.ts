import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { createAdmin } from "../../runtime/admin/admin.js";
import { PermanentError } from "../../runtime/errors.js";
import { createProducer } from "../../runtime/producer/producer.js";
import { keySlot } from "../../runtime/redis/slot.js";
import type { RedisTarget, TaskRegistry } from "../../runtime/types.js";
import { createWorkerRuntime } from "../../runtime/worker/worker.js";
import { eventually, quietLogger } from "../support/provider.js";
import { connect, deleteKeys, testRedisUrl, uniquePrefix } from "../support/redis.js";
import { testRegistry } from "../support/registry.js";
import { TEST_WORKER_OPTIONS } from "../support/worker.js";

/** The test registry with the `default` queue on a stream name holding a hash tag of its own. */
function hostileRegistry(): TaskRegistry {
  const base = testRegistry({ criticalMaxLen: 1000 });
  return {
    ...base,
    queues: {
      ...base.queues,
      default: { name: "default", stream: "acc:{orders}", group: "workers", dlq: "acc:{orders}:dlq" },
    },
  };
}

describe("connecting to a Redis Cluster in each accepted form", () => {
  let redis: Redis;
  const prefixes: string[] = [];
  beforeAll(() => {
    redis = connect();
  });
  afterAll(async () => {
    for (const prefix of prefixes) {
      await deleteKeys(redis, prefix);
      await deleteKeys(redis, `{${prefix}`);
      await deleteKeys(redis, `{orders}:${prefix}`);
    }
    redis.disconnect();
  });

  const seeds = () => testRedisUrl().split(",");
  const forms: [string, () => RedisTarget][] = [
    ["comma-separated seed URLs", () => seeds().join(",")],
    ["{ cluster: [...] }", () => ({ cluster: seeds().slice(0, 2) })],
    ["one node's URL (cluster mode detected)", () => seeds().at(-1) ?? ""],
  ];

  it.each(forms)(
    "%s: tasks on two queues in different slots are retried, dead-lettered and done; stats add up",
    async (_, target) => {
      const registry = hostileRegistry();
      const prefix = uniquePrefix("cluster-connect");
      prefixes.push(prefix);
      // The two queues of group "workers" are in different slots: one XREADGROUP cannot read both.
      expect(keySlot(`${prefix}acc:{orders}`)).not.toBe(keySlot(`${prefix}critical`));
      const producer = createProducer(registry, { redis: target(), keyPrefix: prefix, logger: quietLogger });
      const attempts = new Map<string, number>();
      const done = new Set<string>();
      const worker = createWorkerRuntime(
        registry,
        { ...TEST_WORKER_OPTIONS, queues: ["default", "critical"], redis: target(), keyPrefix: prefix },
        {
          send_email: async (payload: { subject: string }, ctx) => {
            const n = (attempts.get(ctx.taskId) ?? 0) + 1;
            attempts.set(ctx.taskId, n);
            if (payload.subject === "fail once" && n === 1) throw new Error("first attempt fails");
            if (payload.subject === "permanent") throw new PermanentError("no such mailbox");
            done.add(ctx.taskId);
          },
          resize_image: async () => undefined,
          process_order: async (_payload, ctx) => {
            done.add(ctx.taskId);
          },
        },
      );
      await worker.start();
      try {
        const retried = await producer.enqueue("send_email", { to: "a@example.com", subject: "fail once" });
        const dead = await producer.enqueue("send_email", { to: "b@example.com", subject: "permanent" });
        const delayed = await producer.enqueue(
          "send_email",
          { to: "c@example.com", subject: "later" },
          { delay: 200, idempotencyKey: "later" },
        );
        const again = await producer.enqueue(
          "send_email",
          { to: "c@example.com", subject: "later" },
          { delay: 200, idempotencyKey: "later" },
        );
        expect(again).toMatchObject({ id: delayed.id, deduplicated: true });
        const orders = await producer.enqueueBulk(
          Array.from({ length: 20 }, () => ({
            type: "process_order",
            payload: { orderId: randomUUID(), items: [{ sku: "a", quantity: 1 }] },
          })),
        );
        const expected = [retried.id, delayed.id, ...orders.map((o) => o.id)];
        await eventually(async () => expected.every((id) => done.has(id)), "every task is done", 15_000);
        expect(attempts.get(retried.id)).toBe(2);
        expect(done.has(dead.id)).toBe(false);

        const admin = createAdmin(registry, { redis: target(), keyPrefix: prefix });
        try {
          const stats = await admin.stats();
          expect(stats.map((s) => [s.queue, s.length, s.delayed, s.deadLetters])).toEqual([
            ["critical", 0, 0, 0],
            ["default", 0, 0, 1],
          ]);
          const { entries } = await admin.listDeadLetters({ queue: "default" });
          expect(entries.map((e) => [e.taskId, e.reason])).toEqual([[dead.id, "permanent"]]);
        } finally {
          await admin.close();
        }
      } finally {
        await worker.stop();
        await producer.close();
      }
    },
  );
});

/**
 * Priority levels against a real Redis: strict order on a backlog, weighted fairness letting low
 * tasks through at the declared ratio, retries back to their level, and the DLQ and replay knowing
 * the level.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAdmin } from "../../../runtime/admin/admin.js";
import { PermanentError } from "../../../runtime/errors.js";
import type { Priority } from "../../../runtime/policy/priority.js";
import { createProducer, type Producer } from "../../../runtime/producer/producer.js";
import { levelKeys } from "../../../runtime/redis/keys.js";
import type { TaskContext, TaskRegistry } from "../../../runtime/types.js";
import { eventually, quietLogger } from "../../support/provider.js";
import { testRedisUrl } from "../../support/redis.js";
import { testRegistry } from "../../support/registry.js";
import { deadLetters, workerTestBed, type WorkerTestBed } from "../../support/worker.js";

/** The test registry with levels on queue `default` (send_email declares priority high). */
function levelledRegistry(): TaskRegistry {
  const base = testRegistry();
  return {
    queues: { ...base.queues, default: { ...base.queues.default!, priorities: true } },
    tasks: { ...base.tasks, send_email: { ...base.tasks.send_email!, priority: "high" } },
  };
}

const registry = levelledRegistry();
const noop = async () => {};
const levelOf = (subject: string) => subject.split(" ")[0] as Priority;

describe("priorities", () => {
  let bed: WorkerTestBed;
  let producer: Producer;
  beforeEach(() => {
    bed = workerTestBed(registry, "priorities");
    producer = createProducer(registry, {
      redis: testRedisUrl(),
      keyPrefix: bed.prefix,
      logger: quietLogger,
    });
  });
  afterEach(async () => {
    await producer.close();
    await bed.cleanup();
  });

  /** Enqueues `perLevel` tasks of each level, low first, interleaved. */
  async function backlog(perLevel: number) {
    for (let i = 0; i < perLevel; i++) {
      for (const priority of ["low", "normal", "high"] as const) {
        await producer.enqueue("send_email", { to: "a@b.co", subject: `${priority} ${i}` }, { priority });
      }
    }
  }

  it("writes each level to its own stream; normal to the queue's own stream; the schema's level by default", async () => {
    await producer.enqueue("send_email", { to: "a@b.co", subject: "schema level" });
    await producer.enqueue("send_email", { to: "a@b.co", subject: "normal" }, { priority: "normal" });
    await producer.enqueue("send_email", { to: "a@b.co", subject: "low" }, { priority: "low" });
    const queue = registry.queues.default!;
    expect(levelKeys(queue, "normal", bed.prefix).stream).toBe(bed.keys.stream);
    expect(await bed.redis.xlen(levelKeys(queue, "high", bed.prefix).stream)).toBe(1);
    expect(await bed.redis.xlen(bed.keys.stream)).toBe(1);
    expect(await bed.redis.xlen(levelKeys(queue, "low", bed.prefix).stream)).toBe(1);

    const admin = createAdmin(registry, { redis: testRedisUrl(), keyPrefix: bed.prefix });
    try {
      const stats = (await admin.stats()).find((s) => s.queue === "default");
      expect(stats).toMatchObject({ length: 3, stream: bed.keys.stream });
      expect(stats?.levels?.map((l) => [l.priority, l.length])).toEqual([
        ["high", 1],
        ["normal", 1],
        ["low", 1],
      ]);
    } finally {
      await admin.close();
    }
  });

  it("refuses a level a queue without levels cannot take, naming the fix", async () => {
    await expect(
      producer.enqueue(
        "process_order",
        { orderId: "8f0e2a52-3c43-4f7e-9d0b-3d2b7b0c9a11", items: [{ sku: "a", quantity: 1 }] },
        { priority: "high" },
      ),
    ).rejects.toThrow(/queue "critical" has no priority levels; declare `priority`/);
  });

  it("strict: on a backlog, every high task starts before any normal one, every normal before any low", async () => {
    await backlog(20);
    const order: Priority[] = [];
    const worker = bed.worker(
      {
        send_email: async (payload: { subject: string }) => {
          order.push(levelOf(payload.subject));
        },
        resize_image: noop,
      },
      { concurrency: 1, fairness: "strict" },
    );
    await worker.start();
    await eventually(async () => order.length === 60, "every task handled");
    expect(order).toEqual([
      ...Array<Priority>(20).fill("high"),
      ...Array<Priority>(20).fill("normal"),
      ...Array<Priority>(20).fill("low"),
    ]);
  });

  it("weighted 8:4:1: with every level backlogged, low tasks get through at the declared ratio", async () => {
    await backlog(150);
    const order: Priority[] = [];
    const worker = bed.worker(
      {
        send_email: async (payload: { subject: string }) => {
          order.push(levelOf(payload.subject));
        },
        resize_image: noop,
      },
      { concurrency: 10, fairness: { high: 8, normal: 4, low: 1 } },
    );
    await worker.start();
    await eventually(async () => order.length >= 195, "195 tasks handled");
    const first = order.slice(0, 195);
    const count = (level: Priority) => first.filter((l) => l === level).length;
    // 15 rounds of 13: 120 high, 60 normal, 15 low (a fetch boundary may shift one or two).
    expect(Math.abs(count("high") - 120)).toBeLessThanOrEqual(3);
    expect(Math.abs(count("normal") - 60)).toBeLessThanOrEqual(3);
    expect(Math.abs(count("low") - 15)).toBeLessThanOrEqual(3);
  });

  it("retries a task in its level's stream, and dead-letters it with its level; replay returns it there", async () => {
    const highStream = levelKeys(registry.queues.default!, "high", bed.prefix).stream;
    const pendingOnHigh: number[] = [];
    let permanent = true;
    const worker = bed.worker({
      send_email: async (_payload: unknown, ctx: TaskContext) => {
        pendingOnHigh.push(Number(((await bed.redis.xpending(highStream, "workers")) as [number])[0]));
        if (ctx.attempt === 1) throw new Error("flaky");
        if (permanent) throw new PermanentError("no such mailbox");
      },
      resize_image: noop,
    });
    await worker.start();
    await producer.enqueue("send_email", { to: "a@b.co", subject: "high one" });
    await eventually(async () => (await deadLetters(bed.redis, bed.keys)).length === 1, "dead-lettered");
    expect(pendingOnHigh).toEqual([1, 1]); // both attempts were read from the high stream
    const [record] = await deadLetters(bed.redis, bed.keys);
    expect(record).toMatchObject({ dlq_priority: "high", dlq_reason: "permanent" });

    permanent = false;
    await worker.stop();
    const admin = createAdmin(registry, { redis: testRedisUrl(), keyPrefix: bed.prefix });
    try {
      expect((await admin.replayDeadLetters()).replayed).toBe(1);
    } finally {
      await admin.close();
    }
    expect(await bed.redis.xlen(highStream)).toBe(1);
    expect(await bed.redis.xlen(bed.keys.stream)).toBe(0);
  });
});

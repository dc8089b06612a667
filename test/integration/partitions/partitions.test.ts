// Partitioned queues end to end on a real Redis (one node, or the Cluster under test:cluster): the
// producer's partition choice and per-key order, a worker consuming every partition, retries
// returning to their partition, the DLQ, stats and maxLen summed over partitions, idempotency.
import type { Redis } from "ioredis";
import { z } from "zod";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAdmin } from "../../../runtime/admin/admin.js";
import { PermanentError, QueueFullError, RedisError, RetryAfterError } from "../../../runtime/errors.js";
import { createProducer, type Producer } from "../../../runtime/producer/producer.js";
import { fnv1a32 } from "../../../runtime/producer/partition-choice.js";
import type { QueueKeys } from "../../../runtime/redis/keys.js";
import { partitionKeys } from "../../../runtime/redis/partitions.js";
import type { TaskContext, TaskRegistry } from "../../../runtime/types.js";
import { createWorkerRuntime, type Worker } from "../../../runtime/worker/worker.js";
import { eventually, quietLogger, streamFields } from "../../support/provider.js";
import { connect, deleteKeys, testRedisUrl, uniquePrefix } from "../../support/redis.js";
import { TEST_WORKER_OPTIONS } from "../../support/worker.js";

const PARTITIONS = 3;

function registry(maxLen?: number): TaskRegistry {
  return {
    queues: {
      orders: {
        name: "orders",
        stream: "orders",
        group: "workers",
        dlq: "orders:dlq",
        partitions: PARTITIONS,
        ...(maxLen === undefined ? {} : { maxLen }),
      },
    },
    tasks: {
      charge: {
        name: "charge",
        queue: "orders",
        partitionKey: ["customer", "id"],
        validator: z.object({ customer: z.object({ id: z.string() }), seq: z.number().int() }),
      },
      ping: { name: "ping", queue: "orders", validator: z.object({ n: z.number().int() }) },
    },
  };
}

interface Charge {
  readonly customer: { readonly id: string };
  readonly seq: number;
}

describe("partitioned queues", () => {
  let redis: Redis;
  let prefix: string;
  let keys: QueueKeys[];
  let producer: Producer;
  const workers: Worker[] = [];

  const open = (maxLen?: number) => {
    producer = createProducer(registry(maxLen), {
      redis: testRedisUrl(),
      keyPrefix: prefix,
      logger: quietLogger,
    });
    return producer;
  };
  const worker = (handlers: Parameters<typeof createWorkerRuntime>[2], maxLen?: number) => {
    const made = createWorkerRuntime(
      registry(maxLen),
      { ...TEST_WORKER_OPTIONS, queues: ["orders"], redis: testRedisUrl(), keyPrefix: prefix },
      handlers,
    );
    workers.push(made);
    return made;
  };
  const entriesOf = async (k: QueueKeys) => (await streamFields(redis, k.stream)).map((f) => f.id);

  beforeEach(() => {
    redis = connect();
    prefix = uniquePrefix("partitions");
    keys = partitionKeys(registry().queues.orders!, prefix);
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await producer?.close();
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  it("sends each partition key to one partition in enqueue order, and spreads keyless tasks round robin", async () => {
    open();
    const customers = ["ann", "bob", "cy", "dee", "eve", "fay"];
    const ids = new Map<string, string[]>();
    for (let seq = 0; seq < 5; seq++) {
      for (const id of customers) {
        const task = await producer.enqueue("charge", { customer: { id }, seq });
        ids.set(id, [...(ids.get(id) ?? []), task.id]);
      }
    }
    const pings = await producer.enqueueBulk(
      Array.from({ length: 9 }, (_, n) => ({ type: "ping", payload: { n } })),
    );
    const streams = await Promise.all(keys.map(entriesOf));
    for (const [id, taskIds] of ids) {
      const home = fnv1a32(id) % PARTITIONS;
      // Every task of the customer is in its partition, in the order it was enqueued.
      expect(streams[home]!.filter((t) => taskIds.includes(t!))).toEqual(taskIds);
    }
    const pingIds = new Set(pings.map((t) => t.id));
    expect(streams.map((s) => s.filter((t) => pingIds.has(t!)).length)).toEqual([3, 3, 3]);
  });

  it("a worker consumes every partition, one customer's tasks in order", async () => {
    open();
    const seen = new Map<string, number[]>();
    const queues = new Set<string>();
    const done = worker(
      {
        charge: async (payload: Charge, ctx: TaskContext) => {
          queues.add(ctx.queue);
          seen.set(payload.customer.id, [...(seen.get(payload.customer.id) ?? []), payload.seq]);
        },
        ping: async () => {},
      },
      undefined,
    );
    await done.start();
    const customers = Array.from({ length: 12 }, (_, i) => `c${i}`);
    await producer.enqueueBulk(
      Array.from({ length: 10 }, (_, seq) =>
        customers.map((id) => ({ type: "charge", payload: { customer: { id }, seq } })),
      ).flat(),
    );
    await eventually(async () => [...seen.values()].flat().length === 120, "all 120 tasks handled");
    for (const id of customers) expect(seen.get(id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...queues]).toEqual(["orders"]);
    // Every partition got some of the customers, and none is left with work.
    for (const k of keys) {
      expect((await redis.xinfo("GROUPS", k.stream)) as unknown[]).toHaveLength(1);
      expect(Number(((await redis.xpending(k.stream, "workers")) as [number])[0])).toBe(0);
    }
  });

  it("reads every partition in turn: a backlog in each is served fairly, not one partition after another", async () => {
    open();
    const customers = Array.from({ length: 30 }, (_, i) => `c${i}`);
    await producer.enqueueBulk(
      Array.from({ length: 10 }, (_, seq) =>
        customers.map((id) => ({ type: "charge", payload: { customer: { id }, seq } })),
      ).flat(),
    );
    const order: number[] = [];
    const processing = worker({
      charge: async (payload: Charge) => {
        order.push(fnv1a32(payload.customer.id) % PARTITIONS);
      },
      ping: async () => {},
    });
    await processing.start();
    await eventually(async () => order.length === 300, "all 300 handled");
    // Each partition holds about a third of the backlog; within the first 60 tasks, all of them
    // were served (a worker draining one partition first would serve one or two).
    expect(new Set(order.slice(0, 60)).size).toBe(PARTITIONS);
  });

  it("reclaims the entries a dead consumer left pending, in every partition", async () => {
    open();
    const customers = Array.from({ length: 12 }, (_, i) => `c${i}`);
    const enqueued = await producer.enqueueBulk(
      customers.map((id, seq) => ({ type: "charge", payload: { customer: { id }, seq } })),
    );
    // A consumer that read everything and died: every entry pending on it, in each partition.
    for (const k of keys) {
      await redis.xgroup("CREATE", k.stream, "workers", "0", "MKSTREAM");
      await redis.xreadgroup("GROUP", "workers", "dead-consumer", "COUNT", 100, "STREAMS", k.stream, ">");
    }
    const pendingOf = async (k: QueueKeys) =>
      Number(((await redis.xpending(k.stream, "workers")) as [number])[0]);
    expect((await Promise.all(keys.map(pendingOf))).every((n) => n > 0)).toBe(true);
    const handled = new Set<string>();
    const processing = createWorkerRuntime(
      registry(),
      {
        ...TEST_WORKER_OPTIONS,
        queues: ["orders"],
        redis: testRedisUrl(),
        keyPrefix: prefix,
        claimMinIdle: 200,
      },
      {
        charge: async (_payload: Charge, ctx: TaskContext) => {
          handled.add(ctx.taskId);
        },
        ping: async () => {},
      },
    );
    workers.push(processing);
    await processing.start();
    await eventually(async () => handled.size === 12, "all 12 reclaimed and handled", 10_000);
    expect([...handled].sort()).toEqual(enqueued.map((t) => t.id).sort());
    await eventually(
      async () => (await Promise.all(keys.map(pendingOf))).every((n) => n === 0),
      "nothing pending in any partition",
    );
  });

  it("consumes entries a Go producer XADDs to a partition's stream, with task ids unique across partitions", async () => {
    const ids: string[] = [];
    const processing = worker({
      charge: async (_payload: Charge, ctx: TaskContext) => {
        ids.push(ctx.taskId);
      },
      ping: async () => {},
    });
    await processing.start();
    const goEntry = (customer: string) => [
      ...["payload", JSON.stringify({ customer: { id: customer }, seq: 0 }), "type", "charge"],
      ...["created_at", new Date().toISOString(), "retry", "0", "max_retry", "3", "timeout", "30s"],
    ];
    // The same entry id in two partitions (XADD with an explicit id): two tasks, two task ids.
    await redis.xadd(keys[0]!.stream, "1700000000000-1", ...goEntry("ann"));
    await redis.xadd(keys[2]!.stream, "1700000000000-1", ...goEntry("bob"));
    await eventually(async () => ids.length === 2, "both Go entries handled");
    expect(ids.sort()).toEqual([`orders/1700000000000-1`, `orders:p2/1700000000000-1`]);
  });

  it("retries a task in its own partition, and dead-letters into the partition's DLQ; stats and dlq add up", async () => {
    open();
    const attempts = new Map<number, number>();
    const processing = worker({
      charge: async (payload: Charge) => {
        const n = (attempts.get(payload.seq) ?? 0) + 1;
        attempts.set(payload.seq, n);
        if (payload.seq % 2 === 0) throw new PermanentError(`card declined ${payload.seq}`);
        if (n === 1) throw new RetryAfterError(300, "gateway timeout");
      },
      ping: async () => {},
    });
    const customers = ["ann", "bob", "cy", "dee", "eve", "fay"];
    const homes = customers.map((id) => fnv1a32(id) % PARTITIONS);
    await processing.start();
    await producer.enqueueBulk(
      customers.map((id, seq) => ({ type: "charge", payload: { customer: { id }, seq } })),
    );
    // While they wait, each retry is in its customer's partition's delayed set.
    const delayedSeqs = async (k: QueueKeys) =>
      (await redis.zrange(k.delayed, 0, -1)).map(
        (member) => JSON.parse(JSON.parse(member).payload).seq as number,
      );
    await eventually(
      async () => (await Promise.all(keys.map(delayedSeqs))).flat().length === 3,
      "3 retries delayed",
    );
    for (const [p, k] of keys.entries()) {
      expect((await delayedSeqs(k)).sort()).toEqual([1, 3, 5].filter((seq) => homes[seq] === p));
    }
    await eventually(
      async () => attempts.size === 6 && [1, 3, 5].every((s) => attempts.get(s) === 2),
      "retried",
    );
    const admin = createAdmin(registry(), { redis: testRedisUrl(), keyPrefix: prefix });
    try {
      await eventually(async () => (await admin.stats())[0]?.deadLetters === 3, "3 dead letters in all");
      const [stats] = await admin.stats();
      expect(stats).toMatchObject({ queue: "orders", length: 0, pending: 0, delayed: 0, deadLetters: 3 });
      expect(stats?.streams).toEqual(keys.map((k) => k.stream));
      const { entries } = await admin.listDeadLetters({ queue: "orders" });
      expect(entries.map((e) => JSON.parse(e.fields.payload!).seq).sort()).toEqual([0, 2, 4]);
      for (const entry of entries) {
        const seq = JSON.parse(entry.fields.payload!).seq as number;
        expect(entry.partition).toBe(homes[seq]);
        expect(entry.ref).toBe(`orders/${homes[seq]}/${entry.entryId}`);
        expect((await admin.showDeadLetter(entry.ref))?.error).toBe(`card declined ${seq}`);
      }
      await expect(admin.showDeadLetter(`orders/${entries[0]!.entryId}`)).rejects.toThrow(
        /has 3 partitions; write orders\/<0 to 2>\/<entry id>/,
      );
      await processing.stop();
      expect(await admin.replayDeadLetters({ queue: "orders" })).toMatchObject({ replayed: 3, refused: 0 });
      for (const [seq, home] of homes.entries()) {
        if (seq % 2 !== 0) continue;
        const stream = await streamFields(redis, keys[home]!.stream);
        expect(stream.filter((f) => JSON.parse(f.payload!).seq === seq).length).toBe(1); // back home
      }
      expect((await admin.stats())[0]).toMatchObject({ deadLetters: 0, length: 3 });
    } finally {
      await admin.close();
    }
  });

  it("bounds the sum over partitions by maxLen, single and bulk", async () => {
    open(10);
    for (let n = 0; n < 8; n++) await producer.enqueue("ping", { n });
    await producer.enqueue("ping", { n: 8 }, { delay: "1h" }); // delayed tasks count too
    const error = await producer
      .enqueueBulk(Array.from({ length: 3 }, (_, n) => ({ type: "ping", payload: { n } })))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueFullError);
    expect((error as QueueFullError).accepted.map((t) => t !== null)).toEqual([true, false, false]);
    await expect(producer.enqueue("ping", { n: 11 })).rejects.toThrow(QueueFullError);
    const waiting = await Promise.all(
      keys.map(async (k) => (await redis.xlen(k.stream)) + (await redis.zcard(k.delayed))),
    );
    expect(waiting.reduce((a, b) => a + b, 0)).toBe(10);
    expect(waiting.every((n) => n > 0)).toBe(true);
  });

  it("fails an enqueue to a bounded partitioned queue with a RedisError when Redis is unreachable", async () => {
    const unreachable = createProducer(registry(10), {
      redis: "redis://127.0.0.1:1",
      connectTimeout: 200,
      logger: quietLogger,
    });
    try {
      await expect(unreachable.enqueue("ping", { n: 1 })).rejects.toThrow(
        /enqueue failed counting the queue's tasks: .*redis:\/\/127\.0\.0\.1:1/,
      );
      await expect(unreachable.enqueue("ping", { n: 1 })).rejects.toBeInstanceOf(RedisError);
    } finally {
      await unreachable.close();
    }
  });

  it("refuses a registry whose queue has both partitions and priority levels", async () => {
    const both = registry();
    const combined: TaskRegistry = {
      ...both,
      queues: { orders: { ...both.queues.orders!, priorities: true } },
    };
    const refused = createWorkerRuntime(
      combined,
      { ...TEST_WORKER_OPTIONS, queues: ["orders"], redis: testRedisUrl(), keyPrefix: prefix },
      { charge: async () => {}, ping: async () => {} },
    );
    workers.push(refused);
    await expect(refused.start()).rejects.toThrow(/queue "orders" has both partitions and priority levels/);
  });

  it("remembers an idempotency key in the partition it picks, whatever the payload", async () => {
    open();
    const first = await producer.enqueue("ping", { n: 1 }, { idempotencyKey: "once" });
    const again = await producer.enqueue("ping", { n: 2 }, { idempotencyKey: "once" });
    expect(again).toMatchObject({ id: first.id, deduplicated: true });
    const counts = await Promise.all(keys.map((k) => redis.xlen(k.stream)));
    expect(counts).toEqual(keys.map((_, p) => (p === fnv1a32("once") % PARTITIONS ? 1 : 0)));
  });
});

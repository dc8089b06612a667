import type { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ClosedError,
  PayloadTooLargeError,
  QueueFullError,
  UnknownTaskError,
  ValidationError,
} from "../../../runtime/errors.js";
import { queueKeys } from "../../../runtime/redis/keys.js";
import { createProducer, type Producer } from "../../../runtime/producer/producer.js";
import type { TaskRegistry } from "../../../runtime/types.js";
import { fetchAtLeast, quietLogger, streamFields, testProvider } from "../../support/provider.js";
import { connect, deleteKeys, testRedisUrl, uniquePrefix } from "../../support/redis.js";
import { testRegistry } from "../../support/registry.js";

const email = { to: "a@example.com", subject: "hello" };
const order = { orderId: "7d444840-9dc0-11d1-b245-5ffdce74fad2", items: [{ sku: "X", quantity: 1 }] };

describe("producer", () => {
  let redis: Redis;
  let prefix: string;
  let registry: TaskRegistry;
  let producer: Producer;
  const keysOf = (queue: "default" | "critical") => queueKeys(registry.queues[queue]!, prefix);

  beforeEach(() => {
    redis = connect();
    prefix = uniquePrefix("producer");
    registry = testRegistry();
    producer = createProducer(registry, { redis: testRedisUrl(), keyPrefix: prefix, logger: quietLogger });
  });

  afterEach(async () => {
    await producer.close();
    await deleteKeys(redis, prefix);
    await deleteKeys(redis, `{${prefix}`);
    redis.disconnect();
  });

  it("writes an entry with every Go field and jobgen's own, metadata flattened", async () => {
    const task = await producer.enqueue("send_email", email, {
      metadata: { tenant: "acme" },
      correlationId: "c-1",
    });
    expect(task).toMatchObject({ type: "send_email", queue: "default", runAt: null, deduplicated: false });
    const [fields] = await streamFields(redis, keysOf("default").stream);
    expect(fields).toMatchObject({
      payload: JSON.stringify(email),
      type: "send_email",
      retry: "0",
      max_retry: "5",
      timeout: "10s",
      metadata: JSON.stringify({ tenant: "acme", type: "send_email" }),
      id: task.id,
      correlation_id: "c-1",
      tenant: "acme",
    });
    expect(new Date(fields!.created_at!).toISOString()).toBe(fields!.created_at);
    expect((await redis.xrange(keysOf("default").stream, "-", "+"))[0]?.[0]).toBe(task.entryId);
  });

  it("writes the same entry with a plain XADD (no maxLen, key or delay) as with the ENQUEUE script", async () => {
    const options = { metadata: { tenant: "acme" }, correlationId: "c-1" };
    const plain = await producer.enqueue("send_email", email, options);
    const scripted = await producer.enqueue("send_email", email, { ...options, idempotencyKey: "k-1" });
    const entries = await redis.xrange(keysOf("default").stream, "-", "+");
    expect(entries.map(([id]) => id)).toEqual([plain.entryId, scripted.entryId]);
    const [viaXadd, viaScript] = entries.map(([, flat]) =>
      flat.map((value, i) => (flat[i - 1] === "id" || flat[i - 1] === "created_at" ? "*" : value)),
    );
    expect(viaXadd).toEqual(viaScript);
    expect(viaXadd?.filter((_, i) => i % 2 === 0)).toEqual([
      "payload",
      "type",
      "created_at",
      "retry",
      "max_retry",
      "timeout",
      "metadata",
      "id",
      "payload_version",
      "correlation_id",
      "tenant",
    ]);
  });

  it("resolves maxRetries and timeout: enqueue option > schema > library default; writes no made-up correlation id", async () => {
    await producer.enqueue("send_email", email, { maxRetries: 0, timeout: "2m" });
    await producer.enqueue("resize_image", { url: "u", width: 3 });
    const [overridden, defaulted] = await streamFields(redis, keysOf("default").stream);
    expect(overridden).toMatchObject({ max_retry: "0", timeout: "2m0s" });
    expect(defaulted).toMatchObject({ max_retry: "3", timeout: "30s" });
    // Without a correlation id the worker uses the task id; writing a random one would only cost memory.
    expect(defaulted!.correlation_id).toBeUndefined();
    expect(defaulted!.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses an invalid payload, listing every issue with its path, and writes nothing", async () => {
    const error = await producer
      .enqueue("process_order", { orderId: "nope", items: [{ sku: 1, quantity: 0 }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual([
      ["orderId"],
      ["items", 0, "sku"],
      ["items", 0, "quantity"],
    ]);
    expect(await redis.exists(keysOf("critical").stream)).toBe(0);
  });

  it("refuses an unknown task type and an oversized payload, writing nothing", async () => {
    await expect(producer.enqueue("send_sms", {})).rejects.toBeInstanceOf(UnknownTaskError);
    const big = { ...email, body: "x".repeat(5_000) };
    await expect(producer.enqueue("send_email", big)).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(await redis.exists(keysOf("default").stream)).toBe(0);
  });

  it("refuses a 10k-deep payload with a clear error instead of overflowing the stack", async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const enqueue = producer.enqueue("resize_image", { url: "https://x.test/a.png", width: 1, deep });
    await expect(enqueue).rejects.toThrow(/nests objects\/arrays deeper than its cap of 32/);
    await expect(enqueue).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(await redis.exists(keysOf("default").stream)).toBe(0);
  });

  it("refuses __proto__ and constructor keys, which workers would dead-letter", async () => {
    const hostile = JSON.parse('{"url":"https://x.test/a.png","width":1,"__proto__":{"polluted":true}}');
    await expect(producer.enqueue("resize_image", hostile)).rejects.toMatchObject({
      code: "VALIDATION",
      issues: [expect.objectContaining({ path: ["__proto__"] })],
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await redis.exists(keysOf("default").stream)).toBe(0);
  });

  it("writes a task once per idempotency key and returns the first task's id after that", async () => {
    const first = await producer.enqueue("send_email", email, { idempotencyKey: "welcome-42" });
    const second = await producer.enqueue("send_email", email, { idempotencyKey: "welcome-42" });
    expect(second).toMatchObject({ id: first.id, deduplicated: true, entryId: null });
    expect(await redis.xlen(keysOf("default").stream)).toBe(1);
    const ttl = await redis.pttl(`${keysOf("default").idempotency}welcome-42`);
    expect(ttl).toBeGreaterThan(23 * 3600 * 1000);
  });

  it("holds a delayed task in the delayed set until it is due, then the provider promotes it", async () => {
    const task = await producer.enqueue("send_email", email, { delay: 300 });
    expect(task.entryId).toBeNull();
    expect(task.runAt).toBeInstanceOf(Date);
    expect(await redis.xlen(keysOf("default").stream)).toBe(0);
    const [member, score] = await redis.zrange(keysOf("default").delayed, 0, -1, "WITHSCORES");
    expect(JSON.parse(member!)).toMatchObject({
      id: task.id,
      type: "send_email",
      payload: JSON.stringify(email),
    });
    expect(Number(score)).toBe(task.runAt!.getTime());

    const provider = testProvider(registry, prefix);
    try {
      await provider.start();
      const [fetched] = await fetchAtLeast(provider, 1);
      expect(fetched).toMatchObject({ id: task.id, type: "send_email", retry: 0 });
      expect(await redis.zcard(keysOf("default").delayed)).toBe(0);
    } finally {
      await provider.close();
    }
  });

  it("refuses with QueueFullError once maxLen tasks wait (delayed ones count), trimming nothing", async () => {
    const accepted = [];
    for (let i = 0; i < 4; i++) accepted.push(await producer.enqueue("process_order", order));
    accepted.push(await producer.enqueue("process_order", order, { delay: "1h" }));
    const error = await producer.enqueue("process_order", order).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueFullError);
    expect((error as QueueFullError).message).toMatch(/queue "critical" is full \(maxLen 5\)/);
    await expect(producer.enqueue("process_order", order, { delay: 10 })).rejects.toBeInstanceOf(
      QueueFullError,
    );
    const ids = (await streamFields(redis, keysOf("critical").stream)).map((f) => f.id);
    expect(ids).toEqual(accepted.slice(0, 4).map((t) => t.id));
    expect(await redis.zcard(keysOf("critical").delayed)).toBe(1);
  });

  it("enqueues 10 000 tasks in bulk, pipelined, all present in order", async () => {
    const items = Array.from({ length: 10_000 }, (_, i) => ({
      type: "send_email",
      payload: { ...email, subject: `n${i}` },
    }));
    const tasks = await producer.enqueueBulk(items);
    expect(tasks).toHaveLength(10_000);
    const entries = await streamFields(redis, keysOf("default").stream);
    expect(entries.map((f) => f.id)).toEqual(tasks.map((t) => t.id));
    expect(entries.map((f) => JSON.parse(f.payload!).subject)).toEqual(items.map((i) => i.payload.subject));
  });

  it("bulk writes each entry as enqueue does, items with different fields mixed in one chunk", async () => {
    const items = [
      { type: "send_email", payload: email },
      { type: "send_email", payload: email },
      { type: "send_email", payload: email, options: { metadata: { tenant: "acme" }, correlationId: "c-1" } },
      { type: "send_email", payload: email, options: { metadata: { tenant: "acme" }, correlationId: "c-2" } },
      { type: "send_email", payload: { ...email, subject: "other" }, options: { maxRetries: 0 } },
      { type: "resize_image", payload: { url: "u", width: 3 } },
      { type: "send_email", payload: email, options: { metadata: { tenant: "" } } },
    ];
    const bulk = await producer.enqueueBulk(items);
    for (const item of items) await producer.enqueue(item.type, item.payload, item.options);
    const entries = await redis.xrange(keysOf("default").stream, "-", "+");
    expect(entries.map(([id]) => id).slice(0, items.length)).toEqual(bulk.map((t) => t.entryId));
    const masked = entries.map(([, flat]) =>
      flat.map((value, i) => (flat[i - 1] === "id" || flat[i - 1] === "created_at" ? "*" : value)),
    );
    expect(masked.slice(0, items.length)).toEqual(masked.slice(items.length));
    expect(entries.map(([, flat]) => flat[flat.indexOf("id") + 1]).slice(0, items.length)).toEqual(
      bulk.map((t) => t.id),
    );
  });

  it("bulk validates every item before writing any, naming each item index", async () => {
    const error = await producer
      .enqueueBulk([
        { type: "send_email", payload: email },
        { type: "send_email", payload: { ...email, to: "nope" } },
        { type: "process_order", payload: { ...order, items: [] } },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual([
      [1, "to"],
      [2, "items"],
    ]);
    // One EXISTS per key: on a Cluster the two streams are in different slots.
    expect(await redis.exists(keysOf("default").stream)).toBe(0);
    expect(await redis.exists(keysOf("critical").stream)).toBe(0);
  });

  it("bulk across several chunks into a queue that fills up stops there, item by item", async () => {
    const bounded = createProducer(testRegistry({ defaultMaxLen: 300 }), {
      redis: testRedisUrl(),
      keyPrefix: prefix,
      logger: quietLogger,
    });
    const items = Array.from({ length: 600 }, (_, i) => ({
      type: "send_email",
      payload: { ...email, subject: `n${i}` },
    }));
    const error = await bounded.enqueueBulk(items).catch((e: unknown) => e);
    await bounded.close();
    expect(error).toBeInstanceOf(QueueFullError);
    const accepted = (error as QueueFullError).accepted;
    expect(accepted.map((t) => t !== null)).toEqual(items.map((_, i) => i < 300));
    const entries = await streamFields(redis, keysOf("default").stream);
    expect(entries.map((f) => f.id)).toEqual(accepted.slice(0, 300).map((t) => t!.id));
  });

  it("bulk into a queue that fills up says item by item what was accepted", async () => {
    // Items with and without metadata: the queue's room is counted across their differing fields.
    const items = Array.from({ length: 7 }, (_, i) => ({
      type: "process_order",
      payload: order,
      options: i % 3 === 1 ? { metadata: { tenant: `t${i}` } } : undefined,
    }));
    const error = await producer.enqueueBulk(items).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueFullError);
    const accepted = (error as QueueFullError).accepted;
    expect(accepted.map((t) => t !== null)).toEqual([true, true, true, true, true, false, false]);
    const ids = (await streamFields(redis, keysOf("critical").stream)).map((f) => f.id);
    expect(ids).toEqual(accepted.slice(0, 5).map((t) => t!.id));
  });

  it("refuses to enqueue after close", async () => {
    await producer.enqueue("send_email", email);
    await producer.close();
    await expect(producer.enqueue("send_email", email)).rejects.toBeInstanceOf(ClosedError);
    await expect(producer.enqueueBulk([{ type: "send_email", payload: email }])).rejects.toBeInstanceOf(
      ClosedError,
    );
  });
});

import type { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queueKeys } from "../../../runtime/redis/keys.js";
import type { Provider } from "../../../runtime/worker/provider.js";
import { addTask, fetchAtLeast, streamFields, testProvider } from "../../support/provider.js";
import { connect, deleteKeys, uniquePrefix } from "../../support/redis.js";
import { testRegistry } from "../../support/registry.js";

const registry = testRegistry();

describe("redis provider: fetch and the atomic transitions", () => {
  let redis: Redis;
  let prefix: string;
  let provider: Provider;
  let keys: ReturnType<typeof queueKeys>;

  beforeEach(async () => {
    redis = connect();
    prefix = uniquePrefix("provider");
    keys = queueKeys(registry.queues.default!, prefix);
    provider = testProvider(registry, prefix);
    await provider.start();
  });

  afterEach(async () => {
    await provider.close();
    await deleteKeys(redis, prefix);
    await deleteKeys(redis, `{${prefix}`);
    redis.disconnect();
  });

  it("fetches a new entry decoded with every field, delivery count 1", async () => {
    const entryId = await addTask(redis, keys.stream);
    const [task] = await fetchAtLeast(provider, 1);
    expect(task).toMatchObject({
      queue: "default",
      entryId,
      type: "send_email",
      payload: JSON.stringify({ to: "a@b.co", subject: "hi" }),
      retry: 0,
      maxRetry: 5,
      timeoutMs: 10_000,
      deliveryCount: 1,
    });
    expect(task?.metadata).toMatchObject({ tenant: "acme", type: "send_email" });
    expect(task?.id).not.toBe(entryId);
    expect(task?.correlationId).toBeTruthy();
  });

  it("ack removes the entry from the stream and the pending list", async () => {
    await addTask(redis, keys.stream);
    const [task] = await fetchAtLeast(provider, 1);
    expect(await provider.ack(task!)).toBe(true);
    expect(await redis.xlen(keys.stream)).toBe(0);
    expect((await redis.xpending(keys.stream, "workers"))[0]).toBe(0);
  });

  it("ack by a consumer that no longer owns the entry returns false and leaves it", async () => {
    const entryId = await addTask(redis, keys.stream);
    const [task] = await fetchAtLeast(provider, 1);
    await redis.xclaim(keys.stream, "workers", "new-owner", 0, entryId);
    expect(await provider.ack(task!)).toBe(false);
    expect(await redis.xlen(keys.stream)).toBe(1);
    const pending = (await redis.xpending(keys.stream, "workers", "-", "+", 10)) as [string, string][];
    expect(pending.map(([id, owner]) => [id, owner])).toEqual([[entryId, "new-owner"]]);
  });

  it("retry moves the entry to the delayed set with retry + 1 and the error, in one step", async () => {
    await addTask(redis, keys.stream);
    const [task] = await fetchAtLeast(provider, 1);
    expect(await provider.retry(task!, 60_000, "smtp down")).toBe(true);
    expect(await redis.xlen(keys.stream)).toBe(0);
    const members = await redis.zrange(keys.delayed, 0, -1, "WITHSCORES");
    expect(members).toHaveLength(2);
    const fields = JSON.parse(members[0]!) as Record<string, string>;
    expect(fields).toMatchObject({ ...task!.fields, retry: "1", last_error: "smtp down" });
    const [seconds] = await redis.time();
    expect(Number(members[1])).toBeGreaterThan(Number(seconds) * 1000 + 50_000);
  });

  it("retry by a non-owner changes nothing", async () => {
    const entryId = await addTask(redis, keys.stream);
    const [task] = await fetchAtLeast(provider, 1);
    await redis.xclaim(keys.stream, "workers", "new-owner", 0, entryId);
    expect(await provider.retry(task!, 0, "boom")).toBe(false);
    expect(await redis.zcard(keys.delayed)).toBe(0);
    expect(await redis.xlen(keys.stream)).toBe(1);
  });

  it("a retried task is promoted when due and fetched again with its stable id and retry 1", async () => {
    await addTask(redis, keys.stream);
    const [first] = await fetchAtLeast(provider, 1);
    await provider.retry(first!, 50, "transient");
    const [again] = await fetchAtLeast(provider, 1);
    expect(again).toMatchObject({ id: first!.id, type: "send_email", retry: 1, deliveryCount: 1 });
    expect(again!.entryId).not.toBe(first!.entryId);
    expect(await redis.zcard(keys.delayed)).toBe(0);
  });

  it("a blocking fetch wakes for a delayed task that falls due during its block and returns it", async () => {
    const slow = testProvider(registry, prefix, { block: 20_000 });
    try {
      await addTask(redis, keys.stream);
      const [first] = await fetchAtLeast(provider, 1);
      await provider.retry(first!, 300, "later");
      const fetched = await slow.fetch(10, new AbortController().signal);
      expect(fetched.map((t) => [t.id, t.retry])).toEqual([[first!.id, 1]]);
    } finally {
      await slow.close();
    }
  });

  it("deadLetter writes the DLQ record with every field and acks the entry", async () => {
    const entryId = await addTask(redis, keys.stream);
    const [task] = await fetchAtLeast(provider, 1);
    const issues = [{ path: ["to"], message: "Invalid email" }];
    expect(
      await provider.deadLetter(task!, { reason: "validation", error: "to: Invalid email", details: issues }),
    ).toBe(true);
    expect(await redis.xlen(keys.stream)).toBe(0);
    expect((await redis.xpending(keys.stream, "workers"))[0]).toBe(0);
    const [record] = await streamFields(redis, keys.dlq);
    expect(record).toMatchObject({
      ...task!.fields,
      dlq_reason: "validation",
      dlq_error: "to: Invalid email",
      dlq_details: JSON.stringify(issues),
      dlq_queue: "default",
      dlq_entry_id: entryId,
      dlq_consumer: provider.consumer,
    });
    expect(Date.parse(record!.dlq_at!)).not.toBeNaN();
  });

  it("deadLetter by a non-owner writes nothing", async () => {
    const entryId = await addTask(redis, keys.stream);
    const [task] = await fetchAtLeast(provider, 1);
    await redis.xclaim(keys.stream, "workers", "new-owner", 0, entryId);
    expect(await provider.deadLetter(task!, { reason: "permanent", error: "no" })).toBe(false);
    expect(await redis.exists(keys.dlq)).toBe(0);
    expect(await redis.xlen(keys.stream)).toBe(1);
  });

  it("an entry in the Go package's format is fetched and decoded; its id is <stream>/<entry id>", async () => {
    const entryId = (await redis.xadd(
      keys.stream,
      "*",
      ...["payload", '{"to":"go@example.com","subject":"from go"}'],
      ...["created_at", "2024-03-01T10:20:30.123456789+02:00"],
      ...["retry", "0", "max_retry", "3", "timeout", "1m30s"],
      ...["metadata", '{"type":"send_email","tenant":"go"}', "type", "send_email", "tenant", "go"],
    )) as string;
    const [task] = await fetchAtLeast(provider, 1);
    expect(task).toMatchObject({
      entryId,
      id: `${registry.queues.default!.stream}/${entryId}`,
      type: "send_email",
      payload: '{"to":"go@example.com","subject":"from go"}',
      retry: 0,
      maxRetry: 3,
      timeoutMs: 90_000,
      metadata: { type: "send_email", tenant: "go" },
      correlationId: undefined,
      createdAt: new Date("2024-03-01T08:20:30.123Z"),
    });
  });

  it("an entry without any readable field is still delivered, for the worker to dead-letter", async () => {
    const entryId = (await redis.xadd(keys.stream, "*", "garbage", "\u0000\u0001")) as string;
    const [task] = await fetchAtLeast(provider, 1);
    expect(task).toMatchObject({
      entryId,
      id: `${registry.queues.default!.stream}/${entryId}`,
      type: undefined,
      payload: undefined,
      retry: 0,
    });
    expect(await provider.deadLetter(task!, { reason: "malformed", error: "no payload" })).toBe(true);
    expect((await streamFields(redis, keys.dlq))[0]).toMatchObject({
      garbage: "\u0000\u0001",
      dlq_reason: "malformed",
    });
  });

  it("fetch returns at most `max` entries and leaves the rest for the next fetch", async () => {
    for (let i = 0; i < 5; i++) await addTask(redis, keys.stream);
    const first = await provider.fetch(2, new AbortController().signal);
    expect(first).toHaveLength(2);
    const rest = await fetchAtLeast(provider, 3);
    expect(new Set([...first, ...rest].map((t) => t.entryId)).size).toBe(5);
  });

  it("fetch with an aborted signal returns at once with nothing", async () => {
    const controller = new AbortController();
    const pending = provider.fetch(10, controller.signal);
    controller.abort();
    expect(await pending).toEqual([]);
  });
});

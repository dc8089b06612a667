import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAdmin, type Admin } from "../../runtime/admin/admin.js";
import { RedisError } from "../../runtime/errors.js";
import { queueKeys } from "../../runtime/redis/keys.js";
import { REDACTED } from "../../runtime/observe/redact.js";
import type { TaskRegistry } from "../../runtime/types.js";
import { addDeadLetter } from "../support/dead-letters.js";
import { connect, deleteKeys, testRedisUrl, uniquePrefix } from "../support/redis.js";
import { testRegistry } from "../support/registry.js";

function registryWithSensitiveBody(): TaskRegistry {
  const base = testRegistry();
  const sendEmail = base.tasks.send_email;
  if (sendEmail === undefined) throw new Error("test registry lacks send_email");
  return { ...base, tasks: { ...base.tasks, send_email: { ...sendEmail, sensitivePaths: [["body"]] } } };
}

const registry = registryWithSensitiveBody();
const defaultQueue = registry.queues.default!;
const criticalQueue = registry.queues.critical!;
const validEmail = JSON.stringify({ to: "a@example.com", subject: "hi", body: "secret text" });
const invalidEmail = JSON.stringify({ to: "not-an-email", subject: "hi" });

describe("admin", () => {
  let redis: Redis;
  let prefix: string;
  let admin: Admin;

  beforeAll(() => {
    redis = connect();
  });
  afterAll(async () => {
    await redis.quit();
  });
  afterEach(async () => {
    await admin.close();
    await deleteKeys(redis, prefix);
    await deleteKeys(redis, `{${prefix}`);
  });

  function setUp(label: string): void {
    prefix = uniquePrefix(label);
    admin = createAdmin(registry, { redis: testRedisUrl(), keyPrefix: prefix });
  }

  it("reports length, pending, delayed, DLQ size, consumers and lag per queue", async () => {
    setUp("admin-stats");
    const keys = queueKeys(defaultQueue, prefix);
    for (let i = 0; i < 5; i++)
      await redis.xadd(keys.stream, "*", "type", "send_email", "payload", validEmail);
    await redis.xgroup("CREATE", keys.stream, defaultQueue.group, "0");
    await redis.xreadgroup(
      "GROUP",
      defaultQueue.group,
      "consumer-a",
      "COUNT",
      2,
      "STREAMS",
      keys.stream,
      ">",
    );
    await redis.zadd(keys.delayed, Date.now() + 60_000, "{}");
    await addDeadLetter(redis, defaultQueue, prefix, {
      type: "send_email",
      payload: invalidEmail,
      reason: "validation",
    });

    const stats = await admin.stats();
    const byQueue = Object.fromEntries(stats.map((s) => [s.queue, s]));
    expect(byQueue.default).toMatchObject({
      stream: `${prefix}tasks`,
      length: 5,
      pending: 2,
      delayed: 1,
      deadLetters: 1,
      lag: 3,
      groupExists: true,
      consumers: [{ name: "consumer-a", pending: 2 }],
    });
    expect(byQueue.default?.consumers[0]?.idleMs).toBeGreaterThanOrEqual(0);
    expect(byQueue.critical).toMatchObject({
      length: 0,
      pending: 0,
      deadLetters: 0,
      groupExists: false,
      lag: null,
    });
  });

  it("lists DLQ entries filtered by type and reason, a page at a time", async () => {
    setUp("admin-list");
    for (let i = 0; i < 3; i++) {
      await addDeadLetter(redis, defaultQueue, prefix, {
        type: "send_email",
        payload: validEmail,
        reason: "max_retries",
      });
    }
    await addDeadLetter(redis, defaultQueue, prefix, {
      type: "send_email",
      payload: invalidEmail,
      reason: "validation",
    });
    await addDeadLetter(redis, criticalQueue, prefix, {
      type: "process_order",
      payload: "{}",
      reason: "validation",
    });

    const all = await admin.listDeadLetters();
    expect(all.entries).toHaveLength(5);
    expect(all.nextCursor).toBeNull();

    const validation = await admin.listDeadLetters({ reason: "validation" });
    expect(validation.entries.map((e) => e.type).sort()).toEqual(["process_order", "send_email"]);

    const first = await admin.listDeadLetters({ type: "send_email", reason: "max_retries" }, { count: 2 });
    expect(first.entries).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = await admin.listDeadLetters(
      { type: "send_email", reason: "max_retries" },
      { count: 2, cursor: first.nextCursor },
    );
    expect(second.entries).toHaveLength(1);
    const refs = [...first.entries, ...second.entries].map((e) => e.ref);
    expect(new Set(refs).size).toBe(3);
  });

  it("shows one entry with sensitive payload fields redacted", async () => {
    setUp("admin-show");
    const entryId = await addDeadLetter(redis, defaultQueue, prefix, {
      type: "send_email",
      payload: validEmail,
      reason: "permanent",
      error: "mailbox does not exist",
    });
    const view = await admin.showDeadLetter(`default/${entryId}`);
    expect(view).toMatchObject({
      type: "send_email",
      reason: "permanent",
      error: "mailbox does not exist",
      payload: { to: "a@example.com", subject: "hi", body: REDACTED },
    });
    expect(view?.fields.payload).not.toContain("secret text");
    expect((await admin.showDeadLetter(entryId))?.ref).toBe(`default/${entryId}`);
    expect(await admin.showDeadLetter("default/1-1")).toBeUndefined();
  });

  it("replays valid entries to their stream with the retry count reset and refuses invalid ones", async () => {
    setUp("admin-replay");
    const keys = queueKeys(defaultQueue, prefix);
    await addDeadLetter(redis, defaultQueue, prefix, {
      type: "send_email",
      payload: validEmail,
      reason: "max_retries",
      retry: 5,
      id: "task-valid",
    });
    const invalidId = await addDeadLetter(redis, defaultQueue, prefix, {
      type: "send_email",
      payload: invalidEmail,
      reason: "validation",
    });
    for (const type of ["gone_task", "constructor"]) {
      await addDeadLetter(redis, defaultQueue, prefix, { type, payload: "{}", reason: "unknown_type" });
    }
    // Valid to the validator once JSON.parse has rounded it; the worker would refuse it again.
    const roundedId = await addDeadLetter(redis, defaultQueue, prefix, {
      type: "send_email",
      payload: '{"to":"a@example.com","subject":"hi","n":9007199254740993}',
      reason: "validation",
    });

    const progress: number[] = [];
    const report = await admin.replayDeadLetters({}, (p) => progress.push(p.seen));
    expect(report).toMatchObject({ seen: 5, replayed: 1, refused: 4 });
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    const invalid = report.refusals.find((r) => r.ref === `default/${invalidId}`);
    expect(invalid?.issues.map((i) => i.path)).toEqual([["to"]]);
    const rounded = report.refusals.find((r) => r.ref === `default/${roundedId}`);
    expect(rounded?.issues).toEqual([
      { path: ["n"], message: expect.stringContaining("9007199254740993 is outside ±(2^53 − 1)") as string },
    ]);
    const messages = report.refusals.map((r) => r.message).join("\n");
    expect(messages).toContain('"gone_task" is not in the current schema');
    expect(messages).toContain('"constructor" is not in the current schema');

    const stream = await redis.xrange(keys.stream, "-", "+");
    expect(stream).toHaveLength(1);
    const fields = Object.fromEntries(chunk(stream[0]![1]));
    expect(fields).toMatchObject({ id: "task-valid", type: "send_email", payload: validEmail, retry: "0" });
    expect(Object.keys(fields).filter((f) => f.startsWith("dlq_"))).toEqual([]);
    expect(await redis.xlen(keys.dlq)).toBe(4);
  });

  it("purges all entries or only the filtered ones", async () => {
    setUp("admin-purge");
    await addDeadLetter(redis, defaultQueue, prefix, {
      type: "send_email",
      payload: validEmail,
      reason: "max_retries",
    });
    await addDeadLetter(redis, defaultQueue, prefix, {
      type: "send_email",
      payload: invalidEmail,
      reason: "validation",
    });
    await addDeadLetter(redis, criticalQueue, prefix, {
      type: "process_order",
      payload: "{}",
      reason: "validation",
    });

    expect(await admin.purgeDeadLetters({ reason: "validation", queue: "default" })).toBe(1);
    expect((await admin.listDeadLetters()).entries.map((e) => e.reason).sort()).toEqual([
      "max_retries",
      "validation",
    ]);
    expect(await admin.purgeDeadLetters()).toBe(2);
    expect((await admin.listDeadLetters()).entries).toEqual([]);
  });

  it("names the URL when Redis is unreachable", async () => {
    prefix = uniquePrefix("admin-unreachable");
    admin = createAdmin(registry, { redis: "redis://:hunter2@127.0.0.1:1", keyPrefix: prefix });
    const error = await admin.stats().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisError);
    expect((error as Error).message).toMatch(/^cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
    expect((error as Error).message).not.toContain("hunter2");
  });
});

function chunk(flat: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

/**
 * Helpers for provider tests: a provider on a fresh key prefix, raw stream writes in jobgen's
 * (or the Go package's) format, and polling with a deadline.
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import pino from "pino";
import type { Provider, DeliveredTask } from "../../runtime/worker/provider.js";
import { createRedisProvider } from "../../runtime/redis/provider/provider.js";
import type { RedisProviderOptions } from "../../runtime/redis/provider/options.js";
import type { TaskRegistry } from "../../runtime/types.js";
import { encodeTaskFields, fieldsToArgs } from "../../runtime/wire/codec.js";
import { testRedisUrl } from "./redis.js";

export const quietLogger = pino({ level: "silent" });

export function testProvider(
  registry: TaskRegistry,
  keyPrefix: string,
  options: Partial<RedisProviderOptions> = {},
): Provider {
  return createRedisProvider(registry, {
    queues: ["default"],
    redis: testRedisUrl(),
    keyPrefix,
    block: 100,
    logger: quietLogger,
    ...options,
  });
}

/** XADDs a send_email task in jobgen's format; returns the entry id. */
export async function addTask(
  redis: Redis,
  stream: string,
  payload: unknown = { to: "a@b.co", subject: "hi" },
) {
  const fields = encodeTaskFields({
    id: randomUUID(),
    type: "send_email",
    payload: JSON.stringify(payload),
    createdAt: new Date(),
    retry: 0,
    maxRetry: 5,
    timeoutMs: 10_000,
    metadata: { tenant: "acme" },
    correlationId: randomUUID(),
  });
  return (await redis.xadd(stream, "*", ...fieldsToArgs(fields))) as string;
}

/** Calls `fetch` until it returns at least `n` tasks in total, or fails after `deadlineMs`. */
export async function fetchAtLeast(
  provider: Provider,
  n: number,
  deadlineMs = 10_000,
): Promise<DeliveredTask[]> {
  const got: DeliveredTask[] = [];
  const until = Date.now() + deadlineMs;
  while (got.length < n) {
    if (Date.now() > until) throw new Error(`fetched ${got.length} of ${n} tasks before the deadline`);
    got.push(...(await provider.fetch(n - got.length, new AbortController().signal)));
  }
  return got;
}

/** Polls `check` until it returns true, or fails after `deadlineMs`. */
export async function eventually(
  check: () => Promise<boolean>,
  what: string,
  deadlineMs = 10_000,
): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The fields of every entry of a stream, oldest first. */
export async function streamFields(redis: Redis, key: string): Promise<Record<string, string>[]> {
  const entries = await redis.xrange(key, "-", "+");
  return entries.map(([, pairs]) => {
    const out: [string, string][] = [];
    for (let i = 0; i + 1 < pairs.length; i += 2) out.push([pairs[i] ?? "", pairs[i + 1] ?? ""]);
    return Object.fromEntries(out);
  });
}

/**
 * Per-test Redis isolation: each test gets its own key prefix and deletes only keys under it.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { inject } from "vitest";

export function testRedisUrl(): string {
  return inject("redisUrl");
}

/** A key prefix no other test uses, e.g. `test:retry:3f9a1c:`. */
export function uniquePrefix(label: string): string {
  return `test:${label}:${randomBytes(4).toString("hex")}:`;
}

/** Deletes every key that starts with `prefix` (SCAN, never KEYS). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = "0";
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== "0");
  return deleted;
}

export function connect(): Redis {
  return new Redis(testRedisUrl(), { lazyConnect: false, maxRetriesPerRequest: 3 });
}

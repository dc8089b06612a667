/**
 * Per-test Redis isolation: each test gets its own key prefix and deletes only keys under it.
 * Under `npm run test:cluster` the Redis is a Cluster: `testRedisUrl()` is its seed URLs and
 * `connect()` a Cluster client.
 */
import { randomBytes } from "node:crypto";
import { Cluster, Redis } from "ioredis";
import { inject } from "vitest";

export function testRedisUrl(): string {
  return inject("redisUrl");
}

/** Whether the tests run against a Redis Cluster. */
export function onCluster(): boolean {
  return inject("redisCluster");
}

/** A key prefix no other test uses, e.g. `test:retry:3f9a1c:`. */
export function uniquePrefix(label: string): string {
  return `test:${label}:${randomBytes(4).toString("hex")}:`;
}

/** Deletes every key that starts with `prefix` (SCAN on every master, never KEYS). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  const client: unknown = redis; // a Cluster client under test:cluster (see connect())
  const nodes = client instanceof Cluster ? client.nodes("master") : [redis];
  let deleted = 0;
  for (const node of nodes) {
    let cursor = "0";
    do {
      const [next, keys] = await node.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      // One DEL per key: the keys of one SCAN page may be in different slots.
      for (const key of keys) deleted += await node.del(key);
    } while (cursor !== "0");
  }
  return deleted;
}

/**
 * A client for the tests' own reads and writes. On a Cluster it is an ioredis Cluster client, typed
 * as `Redis` because the tests only use the commands both have (keyed commands and scripts, which
 * a Cluster client routes by slot).
 */
export function connect(): Redis {
  if (!onCluster()) return new Redis(testRedisUrl(), { lazyConnect: false, maxRetriesPerRequest: 3 });
  const cluster = new Cluster(testRedisUrl().split(","), { redisOptions: { maxRetriesPerRequest: 3 } });
  return cluster as unknown as Redis;
}

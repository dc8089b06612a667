/**
 * Where a fault test's Redis is. By default each test starts its own redis-server
 * (redis-server.ts), which it may kill and restart. `FAULTS_REDIS_URL` (a URL, or Cluster seed URLs
 * comma-separated), or the Cluster that `npm run test:cluster` provides, makes the tests that do
 * not touch the server itself run against that shared Redis instead, under a key prefix of their
 * own, with their queue partitioned over its masters.
 */
import { inject } from "vitest";

/** The shared Redis to run against; `undefined`: start one. */
export function sharedRedisUrl(): string | undefined {
  const fromEnv = process.env.FAULTS_REDIS_URL;
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  return inject("redisCluster") === true ? inject("redisUrl") : undefined;
}

/** The partitions of the fault queue on a shared Redis: one per master of the 3-master test Cluster. */
export const SHARED_PARTITIONS = 3;

/**
 * The client of `createAdmin` (the CLI's stats and dlq commands): one that fails fast instead of
 * reconnecting, so a wrong URL ends the command with a clear error.
 */
import { Cluster, Redis } from "ioredis";
import { createClusterClient } from "./cluster.js";
import type { RedisClient } from "./connection.js";
import type { ResolvedTarget } from "./target.js";

export function createAdminClient(target: ResolvedTarget, connectTimeoutMs: number): RedisClient {
  const settings = { connectTimeout: connectTimeoutMs, maxRetriesPerRequest: 1 };
  if (target.cluster) {
    const cluster: Cluster = createClusterClient(target.urls, settings, { clusterRetryStrategy: () => null });
    return cluster;
  }
  return new Redis(target.urls[0] ?? "", { lazyConnect: true, ...settings, retryStrategy: () => null });
}

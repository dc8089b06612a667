/**
 * A test-side client of the fault suite's Redis: an ioredis Cluster for comma-separated seed URLs
 * (a shared Redis Cluster, target.ts), else one connection. Typed as `Redis`: the suite only uses
 * keyed commands, which a Cluster client routes by slot.
 */
import { Cluster, Redis, type RedisOptions } from "ioredis";

export function redisClient(url: string, options: RedisOptions = {}): Redis {
  if (!url.includes(",")) return new Redis(url, options);
  return new Cluster(url.split(","), { redisOptions: options }) as unknown as Redis;
}

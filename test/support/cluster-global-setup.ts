// vitest global setup of `npm run test:cluster`: the Redis Cluster at REDIS_CLUSTER_URL (seed URLs,
// comma-separated), or a local one of 3 masters and 3 replicas started for the run. The tests get
// its seed URLs as `redisUrl` (test/support/redis.ts) and `redisCluster: true`.
import type { TestProject } from "vitest/node";
import { LocalCluster } from "./cluster.js";

let started: LocalCluster | undefined;

export async function setup(project: TestProject): Promise<void> {
  let seeds = process.env.REDIS_CLUSTER_URL;
  if (seeds === undefined || seeds === "") {
    started = await LocalCluster.start();
    seeds = started.seeds;
    console.log(`[tests] started a local Redis Cluster (3 masters, 3 replicas): ${seeds}`);
  }
  process.env.REDIS_URL = seeds;
  project.provide("redisUrl", seeds);
  project.provide("redisCluster", true);
}

export async function teardown(): Promise<void> {
  await started?.stop();
}

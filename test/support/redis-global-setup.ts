// vitest global setup: find or start a Redis once for the whole run and hand its URL to the tests.
import type { ChildProcess } from "node:child_process";
import type { TestProject } from "vitest/node";
import { DEFAULT_REDIS_URL, pingRedis, startRedisServer } from "./ensure-redis.js";

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
    /** Whether `redisUrl` is a Redis Cluster (`npm run test:cluster`). */
    redisCluster: boolean;
  }
}

let started: ChildProcess | undefined;

export async function setup(project: TestProject): Promise<void> {
  let url = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  if (!(await pingRedis(url))) {
    const server = await startRedisServer();
    started = server.process;
    console.log(`[tests] no Redis answered at ${url}; started redis-server at ${server.url}`);
    url = server.url;
  }
  process.env.REDIS_URL = url;
  project.provide("redisUrl", url);
  project.provide("redisCluster", false);
}

export function teardown(): void {
  started?.kill("SIGTERM");
}

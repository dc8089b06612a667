/**
 * A worker of the policy registry (policy-registry.ts) in its own process, for tests that run several
 * and SIGKILL one. Configured by environment:
 * - REDIS_URL, JOBGEN_TEST_PREFIX: where to consume;
 * - JOBGEN_TEST_SCHEDULE=1: with the `every_second` schedule;
 * - JOBGEN_TEST_WORK_MS: how long each handler works (default 0);
 * - JOBGEN_TEST_CLAIM_IDLE_MS: the claim idle time (leases of entries and of concurrency slots).
 * Each handler pushes `{ type, id, tenant, attempt, pid, event: "start" | "end", at }` as JSON onto the list
 * `<prefix>log`, and the worker logs pino JSON lines to stdout.
 */
import { Cluster, Redis } from "ioredis";
import { pino } from "pino";
import { createWorkerRuntime } from "../../runtime/worker/worker.js";
import type { TaskContext } from "../../runtime/types.js";
import { policyRegistry } from "./policy-registry.js";

const prefix = process.env.JOBGEN_TEST_PREFIX ?? "";
const workMs = Number(process.env.JOBGEN_TEST_WORK_MS ?? 0);
const claimMinIdle = Number(process.env.JOBGEN_TEST_CLAIM_IDLE_MS ?? 30_000);
const seeds = (process.env.REDIS_URL ?? "redis://127.0.0.1:6379").split(",");
// Under `npm run test:cluster` REDIS_URL lists the Cluster's seed nodes.
const log = seeds.length > 1 ? new Cluster(seeds) : new Redis(seeds[0] ?? "");

async function record(ctx: TaskContext, payload: { tenant?: string }): Promise<void> {
  const entry = (event: string) =>
    JSON.stringify({
      type: ctx.type,
      id: ctx.taskId,
      tenant: payload.tenant,
      attempt: ctx.attempt,
      pid: process.pid,
      event,
      at: Date.now(),
    });
  await log.rpush(`${prefix}log`, entry("start"));
  if (workMs > 0) await new Promise((resolve) => setTimeout(resolve, workMs));
  await log.rpush(`${prefix}log`, entry("end"));
}

const worker = createWorkerRuntime(
  policyRegistry({ withSchedule: process.env.JOBGEN_TEST_SCHEDULE === "1" }),
  {
    queues: ["default"],
    redis: process.env.REDIS_URL,
    keyPrefix: prefix,
    logger: pino({ level: "info" }),
    block: 50,
    claimMinIdle,
    leaseInterval: Math.floor(claimMinIdle / 3),
    concurrency: 10,
  },
  {
    tick: (payload: { n: number }, ctx: TaskContext) => record(ctx, {}),
    limited: (payload: { tenant: string }, ctx: TaskContext) => record(ctx, payload),
    capped: (payload: { n: number }, ctx: TaskContext) => record(ctx, {}),
  },
);
worker.stopOnSignals();
await worker.start();

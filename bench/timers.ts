/**
 * `npm run bench:timers [-- --reps N]`: the timing rows of issue #12, on a throwaway redis-server.
 *
 * - Retry lateness: 100 tasks (rounds of 5, every 300 ms, so the worker idles between them) whose
 *   first attempt fails with a 100 ms fixed backoff; lateness = start of attempt 2 − end of attempt
 *   1 − 100 ms, p50 / p99 / max. jobgen (compiled package, default options: 1 s blocking reads)
 *   against BullMQ (`attempts: 2`, `backoff: { type: "fixed", delay: 100 }`, default options).
 * - Stale backlog: 2,000 entries left pending by a dead consumer, drained by 6 workers (concurrency
 *   10 each, no-op handler), from worker start to the last ack. jobgen against a plain XAUTOCLAIM
 *   loop (COUNT 10, XACK + XDEL, no validation) and BullMQ's stalled-job recovery (2,000 jobs
 *   active on a SIGKILLed worker; `lockDuration` and `stalledInterval` 1 s, timed from lock expiry).
 *
 * Every worker runs in this process (one event loop for the 6 workers, as for the plain loop).
 * Prints a markdown table; bench/README.md keeps the latest figures.
 */
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { Queue, Worker as BullWorker } from "bullmq";
import { Redis } from "ioredis";
import { z } from "zod";
import type * as Runtime from "../runtime/index.js";
import { startRedisServer } from "../test/support/ensure-redis.js";
import { drainWithPlainLoop, makeStaleBacklog } from "../test/support/stale-backlog.js";

const RUNTIME_MODULE = new URL(
  `../${process.env.BENCH_JOBGEN_RUNTIME ?? "runtime/dist/esm/index.js"}`,
  import.meta.url,
).href;
const runtime = (await import(RUNTIME_MODULE)) as typeof Runtime;

const { values: flags } = parseArgs({ options: { reps: { type: "string", default: "3" } } });
const reps = Number(flags.reps);
const server = await startRedisServer(["--save", "", "--appendonly", "no"]);
const url = server.url;
process.on("exit", () => server.process.kill("SIGTERM"));
const admin = new Redis(url);
const quiet = (await import("pino")).pino({ level: "silent" });

const ROUNDS = 20;
const PER_ROUND = 5;
const BACKOFF_MS = 100;
const STALE = 2_000;
const WORKERS = 6;

const payload = z.object({ n: z.number() });
const registry: Runtime.TaskRegistry = {
  queues: { default: { name: "default", stream: "timers", group: "workers", dlq: "timers:dlq" } },
  tasks: {
    flaky: {
      name: "flaky",
      queue: "default",
      maxRetries: 1,
      backoff: { strategy: "constant", baseMs: BACKOFF_MS, jitter: "none" },
      validator: payload,
    },
    send_email: { name: "send_email", queue: "default", validator: z.unknown() },
  },
};

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await sleep(2);
  }
}

/** Lateness of each retry (ms), given how to start a worker and enqueue task `n`. */
async function lateness(
  start: (onAttempt: (n: number, attempt: number) => void) => Promise<{ stop(): Promise<unknown> }>,
  enqueue: (n: number) => Promise<unknown>,
): Promise<number[]> {
  const failedAt = new Map<number, number>();
  const late: number[] = [];
  const worker = await start((n, attempt) => {
    if (attempt === 1) failedAt.set(n, performance.now());
    else late.push(performance.now() - (failedAt.get(n) ?? Number.NaN) - BACKOFF_MS);
  });
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < PER_ROUND; k++) await enqueue(round * PER_ROUND + k);
    await sleep(300);
  }
  await until(async () => late.length === ROUNDS * PER_ROUND, 30_000);
  await worker.stop();
  return late.sort((a, b) => a - b);
}

async function jobgenLateness(): Promise<number[]> {
  await admin.flushdb();
  const producer = runtime.createProducer(registry, { redis: url, logger: quiet });
  try {
    return await lateness(
      async (onAttempt) => {
        const worker = runtime.createWorkerRuntime(
          registry,
          { redis: url, queues: ["default"], logger: quiet },
          {
            flaky: async (p: { n: number }, ctx: Runtime.TaskContext) => {
              onAttempt(p.n, ctx.attempt);
              if (ctx.attempt === 1) throw new Error("fails once");
            },
            send_email: async () => {},
          },
        );
        await worker.start();
        return worker;
      },
      (n) => producer.enqueue("flaky", { n }),
    );
  } finally {
    await producer.close();
  }
}

async function bullmqLateness(): Promise<number[]> {
  await admin.flushdb();
  const queue = new Queue("timers", { connection: new Redis(url) });
  try {
    return await lateness(
      async (onAttempt) => {
        const worker = new BullWorker(
          "timers",
          async (job) => {
            onAttempt((job.data as { n: number }).n, job.attemptsMade + 1);
            if (job.attemptsMade === 0) throw new Error("fails once");
          },
          { connection: new Redis(url, { maxRetriesPerRequest: null }), concurrency: 10, autorun: false },
        );
        void worker.run();
        await worker.waitUntilReady();
        return { stop: () => worker.close() };
      },
      (n) =>
        queue.add(
          "flaky",
          { n },
          { attempts: 2, backoff: { type: "fixed", delay: BACKOFF_MS }, removeOnComplete: true },
        ),
    );
  } finally {
    await queue.close();
  }
}

const CLAIM_IDLE_MS = 1_000;

async function plainDrain(): Promise<number> {
  await admin.flushdb();
  await makeStaleBacklog(admin, "timers", STALE, CLAIM_IDLE_MS);
  return drainWithPlainLoop(admin, "timers", WORKERS, CLAIM_IDLE_MS);
}

/**
 * From the workers' `start()`, and from the moment all of them had started (connected, groups
 * made); `fresh`: the same entries never delivered (no reclaim), the per-task cost alone.
 */
async function jobgenDrain(fresh = false): Promise<[number, number]> {
  await admin.flushdb();
  await makeStaleBacklog(admin, "timers", STALE, CLAIM_IDLE_MS);
  if (fresh) await admin.xgroup("SETID", "timers", "workers", "0"); // undelivered again, nothing pending
  if (fresh) await admin.xgroup("DELCONSUMER", "timers", "workers", "dead");
  const started = performance.now();
  const workers = Array.from({ length: WORKERS }, () =>
    runtime.createWorkerRuntime(
      registry,
      { redis: url, queues: ["default"], logger: quiet, claimMinIdle: CLAIM_IDLE_MS, concurrency: 10 },
      { flaky: async () => {}, send_email: async () => {} },
    ),
  );
  await Promise.all(workers.map((w) => w.start()));
  const running = performance.now();
  await until(async () => (await admin.xlen("timers")) === 0);
  const done = performance.now();
  await Promise.all(workers.map((w) => w.stop()));
  return [done - started, done - running];
}

/** A BullMQ worker in its own process that takes every job and hangs; SIGKILLed once all are active. */
async function bullmqDrain(): Promise<number> {
  await admin.flushdb();
  const queue = new Queue("stale", { connection: new Redis(url) });
  await queue.addBulk(Array.from({ length: STALE }, (_, n) => ({ name: "send_email", data: { n } })));
  const dead = spawn(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import { Worker } from "bullmq"; import { Redis } from "ioredis";
       new Worker("stale", () => new Promise(() => {}), { connection: new Redis(${JSON.stringify(url)}, { maxRetriesPerRequest: null }), concurrency: ${STALE}, lockDuration: ${CLAIM_IDLE_MS}, stalledInterval: ${CLAIM_IDLE_MS} });`,
    ],
    { stdio: "ignore" },
  );
  await until(async () => (await queue.getJobCounts("active")).active === STALE);
  dead.kill("SIGKILL");
  await sleep(CLAIM_IDLE_MS + 20); // every lock expired: as stale as jobgen's entries
  const started = performance.now();
  const workers = Array.from(
    { length: WORKERS },
    () =>
      new BullWorker("stale", async () => {}, {
        connection: new Redis(url, { maxRetriesPerRequest: null }),
        concurrency: 10,
        lockDuration: CLAIM_IDLE_MS,
        stalledInterval: CLAIM_IDLE_MS,
        removeOnComplete: { count: 0 },
      }),
  );
  await until(async () => {
    const counts = await queue.getJobCounts("wait", "active", "delayed", "prioritized");
    return Object.values(counts).every((n) => n === 0);
  });
  const took = performance.now() - started;
  await Promise.all(workers.map((w) => w.close(true)));
  await queue.obliterate({ force: true });
  await queue.close();
  return took;
}

const rows: string[][] = [];
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

for (const [label, run] of [
  ["jobgen", jobgenLateness],
  ["BullMQ", bullmqLateness],
] as const) {
  const all: number[][] = [];
  for (let r = 0; r < reps; r++) all.push(await run());
  const p50 = median(all.map((l) => percentile(l, 0.5)));
  const p99 = median(all.map((l) => percentile(l, 0.99)));
  const max = Math.max(...all.map((l) => l.at(-1) ?? Number.NaN));
  rows.push([
    `retry lateness, 100 ms backoff, idle worker: ${label}`,
    `p50 ${fmt(p50)}`,
    `p99 ${fmt(p99)}`,
    `max ${fmt(max)}`,
  ]);
}
const drains: Record<string, number[]> = {
  "plain XAUTOCLAIM loop": [],
  "jobgen, from start()": [],
  "jobgen, once started": [],
  "jobgen, once started, the same entries fresh (no reclaim)": [],
  "BullMQ stalled recovery": [],
};
for (let r = 0; r < reps; r++) {
  drains["plain XAUTOCLAIM loop"]!.push(await plainDrain());
  const [fromStart, onceStarted] = await jobgenDrain();
  drains["jobgen, from start()"]!.push(fromStart);
  drains["jobgen, once started"]!.push(onceStarted);
  drains["jobgen, once started, the same entries fresh (no reclaim)"]!.push((await jobgenDrain(true))[1]);
  drains["BullMQ stalled recovery"]!.push(await bullmqDrain());
}
const plain = median(drains["plain XAUTOCLAIM loop"]!);
for (const [label, times] of Object.entries(drains)) {
  const m = median(times);
  rows.push([
    `drain ${STALE} stale entries, ${WORKERS} workers: ${label}`,
    `median ${fmt(m)}`,
    `${(m / plain).toFixed(2)}× the plain loop`,
    `runs ${times.map((t) => t.toFixed(0)).join(", ")} ms`,
  ]);
}
console.log(`\n| row | | | |\n| --- | --- | --- | --- |`);
for (const row of rows) console.log(`| ${row.join(" | ")} |`);
admin.disconnect();
process.exit(0);

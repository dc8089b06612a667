/**
 * A worker pool of 2 processes, for test/integration/worker/pool.test.ts. Run with
 * `node --import tsx test/support/pool-process.ts`; configured by environment:
 * - REDIS_URL, JOBGEN_TEST_PREFIX: where to consume (queue `default` of the test registry);
 * - JOBGEN_TEST_CRASH_MARKER: a file path; the first `send_email` whose subject is "crash" creates
 *   it and kills its worker process (exit 1), later ones are handled.
 * Every process logs JSON lines to stdout: `handled` (pid, task id) from the worker processes;
 * the pool's own lines and, every 100 ms, `metrics` (the merged snapshot) from the primary.
 */
import { existsSync, writeFileSync } from "node:fs";
import { pino } from "pino";
import { createWorkerPool } from "../../runtime/pool/pool.js";
import { createWorkerRuntime } from "../../runtime/worker/worker.js";
import { testRegistry } from "./registry.js";

const marker = process.env.JOBGEN_TEST_CRASH_MARKER ?? "";
const pool = createWorkerPool({ processes: 2, restartDelay: 100, logger: pino() }, () =>
  createWorkerRuntime(
    testRegistry(),
    {
      queues: ["default"],
      redis: process.env.REDIS_URL,
      keyPrefix: process.env.JOBGEN_TEST_PREFIX,
      logger: pino({ level: "warn" }),
      concurrency: 4,
      block: 50,
      claimMinIdle: 1_000,
      leaseInterval: 300,
    },
    {
      send_email: async (payload: { subject: string }, ctx) => {
        if (payload.subject === "crash" && !existsSync(marker)) {
          writeFileSync(marker, "crashed");
          process.exit(1);
        }
        console.log(JSON.stringify({ msg: "handled", pid: process.pid, taskId: ctx.taskId }));
      },
      resize_image: async () => {},
    },
  ),
);
await pool.start();
pool.stopOnSignals();
if (pool.isPrimary) {
  setInterval(() => console.log(JSON.stringify({ msg: "metrics", snapshot: pool.metrics.snapshot() })), 100);
}

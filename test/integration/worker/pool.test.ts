// The worker pool: 2 processes with one lifecycle. Tasks are handled in both processes, a process
// that dies is restarted (its task reclaimed), the primary's metrics sum both, and SIGTERM to the
// primary drains every process and exits 0.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createProducer, type Producer } from "../../../runtime/producer/producer.js";
import { startChildWorker } from "../../support/child-worker.js";
import { eventually, quietLogger } from "../../support/provider.js";
import { testRedisUrl } from "../../support/redis.js";
import { testRegistry } from "../../support/registry.js";
import { queueState, workerTestBed, type WorkerTestBed } from "../../support/worker.js";

const POOL_SCRIPT = fileURLToPath(new URL("../../support/pool-process.ts", import.meta.url));
const registry = testRegistry();

describe("worker pool (createWorkerPool)", () => {
  let bed: WorkerTestBed;
  let producer: Producer;
  let dir: string;
  beforeEach(() => {
    bed = workerTestBed(registry, "worker-pool");
    producer = createProducer(registry, {
      redis: testRedisUrl(),
      keyPrefix: bed.prefix,
      logger: quietLogger,
    });
    dir = mkdtempSync(join(tmpdir(), "jobgen-pool-"));
  });
  afterEach(async () => {
    await producer.close();
    await bed.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("handles tasks in 2 processes, restarts one that dies, merges metrics, drains on SIGTERM", async () => {
    const pool = startChildWorker(
      {
        REDIS_URL: testRedisUrl(),
        JOBGEN_TEST_PREFIX: bed.prefix,
        JOBGEN_TEST_CRASH_MARKER: join(dir, "crashed"),
      },
      POOL_SCRIPT,
    );
    try {
      const started = await pool.waitForLog("worker pool started");
      const pids = started.pids as number[];
      expect(pids).toHaveLength(2);
      const handled = () => pool.lines.filter((line) => line.msg === "handled");

      for (let i = 0; i < 40; i++) await producer.enqueue("send_email", { to: "a@b.co", subject: `s${i}` });
      await eventually(async () => handled().length === 40, "40 tasks handled");
      expect(new Set(handled().map((line) => line.pid))).toEqual(new Set(pids));

      const metrics = () =>
        (pool.lines.filter((line) => line.msg === "metrics").at(-1)?.snapshot ?? {}) as {
          processed?: Record<string, Record<string, number>>;
        };
      await eventually(async () => metrics().processed?.send_email?.success === 40, "metrics of both summed");

      // A process dies on a task: the pool forks another; the task is reclaimed and handled.
      const { id } = await producer.enqueue("send_email", { to: "a@b.co", subject: "crash" });
      await pool.waitForLog("worker process restarted");
      await eventually(
        async () => handled().some((line) => line.taskId === id),
        "crashed task reclaimed",
        15_000,
      );
      // The dead process's counters stay in the sum (up to its last report, at most a second old).
      await eventually(async () => metrics().processed?.send_email?.success === 41, "merged metrics");
      for (let i = 0; i < 20; i++) await producer.enqueue("send_email", { to: "a@b.co", subject: `t${i}` });
      await eventually(async () => handled().length === 61, "tasks after the restart handled");
      // The restarted process handles tasks too: 3 processes in all handled some.
      await eventually(
        async () => new Set(handled().map((line) => line.pid)).size === 3,
        "restarted one works",
      );

      pool.process.kill("SIGTERM");
      expect(await pool.exited).toEqual({ code: 0, signal: null });
      await pool.waitForLog("worker pool stopped");
      expect(await queueState(bed.redis, bed.keys)).toEqual({ stream: 0, pending: 0, delayed: 0, dlq: 0 });
    } finally {
      pool.process.kill("SIGKILL");
    }
  }, 40_000);
});

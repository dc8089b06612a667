import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ClosedError } from "../../../runtime/errors.js";
import { createProducer, type Producer } from "../../../runtime/producer/producer.js";
import { startChildWorker } from "../../support/child-worker.js";
import { eventually, quietLogger } from "../../support/provider.js";
import { testRedisUrl } from "../../support/redis.js";
import { testRegistry } from "../../support/registry.js";
import { addRaw, queueState, work, workerTestBed, type WorkerTestBed } from "../../support/worker.js";

const registry = testRegistry();
const noop = async () => {};
const email = { to: "a@b.co", subject: "hi" };

describe("worker: graceful shutdown", () => {
  let bed: WorkerTestBed;
  let producer: Producer;
  beforeEach(() => {
    bed = workerTestBed(registry, "worker-shutdown");
    producer = createProducer(registry, {
      redis: testRedisUrl(),
      keyPrefix: bed.prefix,
      logger: quietLogger,
    });
  });
  afterEach(async () => {
    await producer.close();
    await bed.cleanup();
  });

  it("stop() stops fetching at once and drains the in-flight tasks, acking them", async () => {
    const started: string[] = [];
    const finished: string[] = [];
    const worker = bed.worker(
      {
        send_email: async (_payload: unknown, ctx) => {
          started.push(ctx.taskId);
          await work(300);
          finished.push(ctx.taskId);
        },
        resize_image: noop,
      },
      { concurrency: 3 },
    );
    await worker.start();
    for (let i = 0; i < 5; i++) await producer.enqueue("send_email", email);
    await eventually(async () => started.length === 3, "3 tasks started");
    await worker.stop();
    expect(finished.sort()).toEqual(started.sort());
    expect(started).toHaveLength(3);
    // The two others wait in the stream; those read ahead by then, never started, were handed back:
    // pending with an idle time past any claim idle time and no delivery counted, for the next
    // worker's reclaim. Nothing retried or dead.
    expect(await queueState(bed.redis, bed.keys)).toMatchObject({ stream: 2, delayed: 0, dlq: 0 });
    const pending = (await bed.redis.xpending(bed.keys.stream, "workers", "-", "+", 10)) as [
      string,
      string,
      number,
      number,
    ][];
    for (const [, , idleMs, deliveries] of pending) {
      expect(idleMs).toBeGreaterThan(24 * 3_600_000);
      expect(deliveries).toBe(0);
    }
    expect(worker.metrics.snapshot().processed.send_email).toEqual({ success: 3 });
  });

  it("after shutdownTimeout aborts a hung task and leaves it pending, to be completed by another worker", async () => {
    const reasons: unknown[] = [];
    const hung = bed.worker(
      {
        send_email: async (_payload: unknown, ctx) => {
          ctx.signal.addEventListener("abort", () => reasons.push(ctx.signal.reason));
          await new Promise(() => {}); // ignores its signal
        },
        resize_image: noop,
      },
      { shutdownTimeout: 200 },
    );
    await hung.start();
    const { id } = await producer.enqueue("send_email", email);
    await eventually(async () => hung.metrics.snapshot().inFlight === 1, "task started");
    await hung.stop();
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(ClosedError);
    expect(await queueState(bed.redis, bed.keys)).toEqual({ stream: 1, pending: 1, delayed: 0, dlq: 0 });
    expect(hung.metrics.snapshot().processed.send_email).toEqual({ abandoned: 1 });

    const handled: string[] = [];
    const next = bed.worker(
      {
        send_email: async (_payload: unknown, ctx) => {
          handled.push(ctx.taskId);
        },
        resize_image: noop,
      },
      { claimMinIdle: 300 },
    );
    await next.start();
    await eventually(async () => handled.length === 1, "task reclaimed and handled");
    await eventually(async () => (await queueState(bed.redis, bed.keys)).stream === 0, "task acked");
    expect(handled).toEqual([id]);
  });

  it("stopOnSignals(): SIGTERM drains the running task, then the process exits 0", async () => {
    const child = startChildWorker({
      REDIS_URL: testRedisUrl(),
      JOBGEN_TEST_PREFIX: bed.prefix,
      JOBGEN_TEST_WORK_MS: "500",
    });
    try {
      await addRaw(bed.redis, bed.keys.stream);
      await child.waitForLog("task started");
      child.process.kill("SIGTERM");
      expect(await child.exited).toEqual({ code: 0, signal: null });
      expect(child.lines.map((line) => line.msg)).toEqual(
        expect.arrayContaining(["work done", "task succeeded", "worker stopped"]),
      );
      expect(await queueState(bed.redis, bed.keys)).toEqual({ stream: 0, pending: 0, delayed: 0, dlq: 0 });
    } finally {
      child.process.kill("SIGKILL");
    }
  });

  it("stopOnSignals(): a second SIGTERM exits at once, leaving the hung task pending", async () => {
    const child = startChildWorker({
      REDIS_URL: testRedisUrl(),
      JOBGEN_TEST_PREFIX: bed.prefix,
      JOBGEN_TEST_WORK_MS: "hang",
    });
    try {
      await addRaw(bed.redis, bed.keys.stream);
      await child.waitForLog("task started");
      child.process.kill("SIGTERM");
      await child.waitForLog("worker stopping: fetching stopped, waiting for in-flight tasks");
      child.process.kill("SIGTERM");
      expect(await child.exited).toEqual({ code: 128 + 15, signal: null });
      expect(await queueState(bed.redis, bed.keys)).toEqual({ stream: 1, pending: 1, delayed: 0, dlq: 0 });
    } finally {
      child.process.kill("SIGKILL");
    }
  });
});

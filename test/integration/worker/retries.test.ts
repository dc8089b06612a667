import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PermanentError, RetryAfterError, TaskTimeoutError } from "../../../runtime/errors.js";
import type { TaskContext } from "../../../runtime/types.js";
import { eventually } from "../../support/provider.js";
import { testRegistry } from "../../support/registry.js";
import {
  addRaw,
  deadLetters,
  queueState,
  work,
  workerTestBed,
  type WorkerTestBed,
} from "../../support/worker.js";

const registry = testRegistry();
const noop = async () => {};

describe("worker: retries, permanent errors, timeouts", () => {
  let bed: WorkerTestBed;
  beforeEach(() => {
    bed = workerTestBed(registry, "worker-retries");
  });
  afterEach(() => bed.cleanup());

  it("retries a handler that fails twice, then acks it on the third attempt", async () => {
    const attempts: number[] = [];
    const taskIds = new Set<string>();
    const worker = bed.worker({
      send_email: async (_payload: unknown, ctx: TaskContext) => {
        attempts.push(ctx.attempt);
        taskIds.add(ctx.taskId);
        if (ctx.attempt < 3) throw new Error(`flaky ${ctx.attempt}`);
      },
      resize_image: noop,
    });
    await worker.start();
    const id = await addRaw(bed.redis, bed.keys.stream);
    await eventually(async () => worker.metrics.snapshot().processed.send_email?.success === 1, "task acked");
    expect(attempts).toEqual([1, 2, 3]);
    expect(await queueState(bed.redis, bed.keys)).toEqual({ stream: 0, pending: 0, delayed: 0, dlq: 0 });
    expect(worker.metrics.snapshot().processed.send_email).toEqual({ retry: 2, success: 1 });
    expect([...taskIds]).toEqual([id]); // the task id survives retries
  });

  it("moves a task whose retries are exhausted to the DLQ with max_retries and the last error", async () => {
    const attempts: number[] = [];
    const worker = bed.worker({
      send_email: async (_payload: unknown, ctx: TaskContext) => {
        attempts.push(ctx.attempt);
        throw new Error(`smtp down (attempt ${ctx.attempt})`);
      },
      resize_image: noop,
    });
    await worker.start();
    const id = await addRaw(bed.redis, bed.keys.stream, { maxRetry: 2 });
    await eventually(async () => (await queueState(bed.redis, bed.keys)).dlq === 1, "task dead-lettered");
    const [record] = await deadLetters(bed.redis, bed.keys);
    expect(attempts).toEqual([1, 2, 3]);
    expect(record).toMatchObject({
      id,
      type: "send_email",
      retry: "2",
      dlq_reason: "max_retries",
      dlq_error: "smtp down (attempt 3)",
      dlq_queue: "default",
    });
    expect(JSON.parse(record!.dlq_details!)).toMatchObject({ attempts: 3, name: "Error" });
    expect(await queueState(bed.redis, bed.keys)).toEqual({ stream: 0, pending: 0, delayed: 0, dlq: 1 });
  });

  it("moves a task to the DLQ at once on PermanentError", async () => {
    let calls = 0;
    const worker = bed.worker({
      send_email: async () => {
        calls++;
        throw new PermanentError("mailbox does not exist");
      },
      resize_image: noop,
    });
    await worker.start();
    await addRaw(bed.redis, bed.keys.stream);
    await eventually(async () => (await queueState(bed.redis, bed.keys)).dlq === 1, "task dead-lettered");
    const [record] = await deadLetters(bed.redis, bed.keys);
    expect(calls).toBe(1);
    expect(record).toMatchObject({
      retry: "0",
      dlq_reason: "permanent",
      dlq_error: "mailbox does not exist",
    });
    expect(JSON.parse(record!.dlq_details!)).toMatchObject({ name: "PermanentError", code: "PERMANENT" });
  });

  it("retries after the delay of a RetryAfterError, in the delayed set meanwhile", async () => {
    const attempts: number[] = [];
    const worker = bed.worker({
      send_email: async (_payload: unknown, ctx: TaskContext) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt === 1) throw new RetryAfterError(60_000, "rate limited");
      },
      resize_image: noop,
    });
    await worker.start();
    await addRaw(bed.redis, bed.keys.stream);
    await eventually(async () => (await queueState(bed.redis, bed.keys)).delayed === 1, "retry scheduled");
    const [, score] = await bed.redis.zrange(bed.keys.delayed, 0, 0, "WITHSCORES");
    const [seconds] = await bed.redis.time();
    expect(Number(score) - Number(seconds) * 1000).toBeGreaterThan(50_000);
    expect(attempts).toEqual([1]);
  });

  it("aborts ctx.signal at the task's timeout and retries the task", async () => {
    const reasons: unknown[] = [];
    const worker = bed.worker({
      send_email: async (_payload: unknown, ctx: TaskContext) => {
        if (ctx.attempt === 1) {
          await work(60_000, ctx.signal).catch((error: unknown) => {
            reasons.push(error);
            throw error;
          });
        }
      },
      resize_image: noop,
    });
    await worker.start();
    await addRaw(bed.redis, bed.keys.stream, { timeoutMs: 100 });
    await eventually(async () => worker.metrics.snapshot().processed.send_email?.success === 1, "task acked");
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(TaskTimeoutError);
    expect(worker.metrics.snapshot().processed.send_email).toEqual({ retry: 1, success: 1 });
  });

  it("fails a timed-out attempt even when the handler ignores the signal", async () => {
    const attempts: number[] = [];
    const worker = bed.worker({
      send_email: async (_payload: unknown, ctx: TaskContext) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt === 1) await new Promise(() => {}); // never settles, ignores ctx.signal
      },
      resize_image: noop,
    });
    await worker.start();
    await addRaw(bed.redis, bed.keys.stream, { timeoutMs: 100 });
    await eventually(async () => worker.metrics.snapshot().processed.send_email?.success === 1, "task acked");
    expect(attempts).toEqual([1, 2]);
  });
});

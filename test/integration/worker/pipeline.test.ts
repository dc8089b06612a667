import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PermanentError } from "../../../runtime/errors.js";
import type { Middleware } from "../../../runtime/worker/middleware/compose.js";
import { createProducer } from "../../../runtime/producer/producer.js";
import { currentCorrelationId, currentTraceparent } from "../../../runtime/worker/middleware/tracing.js";
import type { TaskContext } from "../../../runtime/types.js";
import { eventually, quietLogger } from "../../support/provider.js";
import { testRedisUrl } from "../../support/redis.js";
import { testRegistry } from "../../support/registry.js";
import { addRaw, queueState, work, workerTestBed, type WorkerTestBed } from "../../support/worker.js";

const registry = testRegistry();
const noop = async () => {};

describe("worker: concurrency, custom middleware, metrics", () => {
  let bed: WorkerTestBed;
  beforeEach(() => {
    bed = workerTestBed(registry, "worker-pipeline");
  });
  afterEach(() => bed.cleanup());

  it("never runs more handlers at once than `concurrency`, and does reach it", async () => {
    let running = 0;
    let maxRunning = 0;
    let done = 0;
    const worker = bed.worker(
      {
        send_email: async () => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          await work(30);
          running--;
          done++;
        },
        resize_image: noop,
      },
      { concurrency: 3, count: 10 },
    );
    await Promise.all(Array.from({ length: 20 }, () => addRaw(bed.redis, bed.keys.stream)));
    await worker.start();
    await eventually(async () => done === 20, "20 tasks handled");
    expect(maxRunning).toBe(3);
    await eventually(async () => (await queueState(bed.redis, bed.keys)).stream === 0, "all acked");
  });

  it("runs custom middleware in the order of `use`, after validation, just before the handler", async () => {
    const calls: string[] = [];
    const tag =
      (name: string): Middleware =>
      async (ctx, next) => {
        calls.push(`${name} in (payload ${ctx.payload === undefined ? "unset" : "validated"})`);
        await next();
        calls.push(`${name} out`);
      };
    const worker = bed
      .worker({
        send_email: async (_payload: unknown, ctx: TaskContext) => {
          calls.push(
            `handler ${currentCorrelationId() === ctx.correlationId ? "in trace scope" : "outside"}`,
          );
        },
        resize_image: noop,
      })
      .use(tag("first"))
      .use(tag("second"));
    await worker.start();
    await addRaw(bed.redis, bed.keys.stream);
    await eventually(async () => calls.length === 5, "task handled");
    expect(calls).toEqual([
      "first in (payload validated)",
      "second in (payload validated)",
      "handler in trace scope",
      "second out",
      "first out",
    ]);
    expect(() => worker.use(tag("late"))).toThrow(/before worker.start/);
  });

  it("does not run custom middleware for a rejected entry", async () => {
    const calls: string[] = [];
    const worker = bed.worker({ send_email: noop, resize_image: noop }).use(async (_ctx, next) => {
      calls.push("custom");
      await next();
    });
    await worker.start();
    await addRaw(bed.redis, bed.keys.stream, { payload: "{" });
    await eventually(async () => (await queueState(bed.redis, bed.keys)).dlq === 1, "dead-lettered");
    expect(calls).toEqual([]);
  });

  it("counts successes, retries and dead letters by type and reason", async () => {
    const worker = bed.worker({
      send_email: async (payload: { subject: string }, ctx: TaskContext) => {
        if (payload.subject === "flaky" && ctx.attempt === 1) throw new Error("once");
        if (payload.subject === "never") throw new PermanentError("no");
      },
      resize_image: noop,
    });
    await worker.start();
    const email = (subject: string) => JSON.stringify({ to: "a@b.co", subject });
    await addRaw(bed.redis, bed.keys.stream, { payload: email("ok") });
    await addRaw(bed.redis, bed.keys.stream, { payload: email("flaky") });
    await addRaw(bed.redis, bed.keys.stream, { payload: email("never") });
    await addRaw(bed.redis, bed.keys.stream, { type: "resize_image", payload: '{"url":"u","width":10}' });
    await addRaw(bed.redis, bed.keys.stream, { type: "nope", payload: "{}" });
    await eventually(async () => {
      const s = await queueState(bed.redis, bed.keys);
      return s.stream === 0 && s.delayed === 0 && s.dlq === 2;
    }, "every task settled");
    await eventually(async () => worker.metrics.snapshot().inFlight === 0, "nothing in flight");
    // An outcome is counted once its transition's reply is back, which may be after Redis shows it.
    const outcomes = () =>
      Object.values(worker.metrics.snapshot().processed).reduce(
        (sum, byOutcome) => sum + Object.values(byOutcome).reduce((a, b) => a + b, 0),
        0,
      );
    await eventually(async () => outcomes() === 6, "every outcome counted");
    const snapshot = worker.metrics.snapshot();
    expect(snapshot.processed).toEqual({
      send_email: { success: 2, retry: 1, dead_letter: 1 },
      resize_image: { success: 1 },
      "(unknown)": { dead_letter: 1 },
    });
    expect(snapshot.deadLettered).toEqual({ permanent: 1, unknown_type: 1 });
    expect(snapshot.durations.send_email?.count).toBe(4);
    expect(snapshot.inFlight).toBe(0);
  });

  it("carries the producer's correlation id and trace context to the trace hook and the handler", async () => {
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const seen: Record<string, unknown>[] = [];
    const worker = bed.worker(
      {
        send_email: async (_payload: unknown, ctx: TaskContext) => {
          seen.push({
            at: "handler",
            ctx: ctx.correlationId,
            als: currentCorrelationId(),
            tp: currentTraceparent(),
          });
        },
        resize_image: noop,
      },
      {
        traceHook: async (ctx, next) => {
          seen.push({ at: "hook", tp: ctx.traceparent, als: currentCorrelationId() });
          await next();
        },
      },
    );
    await worker.start();
    const producer = createProducer(registry, {
      redis: testRedisUrl(),
      keyPrefix: bed.prefix,
      logger: quietLogger,
    });
    try {
      await producer.enqueue(
        "send_email",
        { to: "a@b.co", subject: "hi" },
        { correlationId: "order-42", metadata: { traceparent } },
      );
    } finally {
      await producer.close();
    }
    await eventually(async () => seen.length === 2, "task handled");
    expect(seen).toEqual([
      { at: "hook", tp: traceparent, als: "order-42" },
      { at: "handler", ctx: "order-42", als: "order-42", tp: traceparent },
    ]);
  });

  it("uses the task id as correlation id when the producer gave none", async () => {
    const seen: { taskId: string; correlationId: string; als: string | undefined }[] = [];
    const worker = bed.worker({
      send_email: async (_payload: unknown, ctx: TaskContext) => {
        seen.push({ taskId: ctx.taskId, correlationId: ctx.correlationId, als: currentCorrelationId() });
      },
      resize_image: noop,
    });
    await worker.start();
    const producer = createProducer(registry, {
      redis: testRedisUrl(),
      keyPrefix: bed.prefix,
      logger: quietLogger,
    });
    let taskId: string;
    try {
      taskId = (await producer.enqueue("send_email", { to: "a@b.co", subject: "hi" })).id;
    } finally {
      await producer.close();
    }
    await eventually(async () => seen.length === 1, "task handled");
    expect(seen).toEqual([{ taskId, correlationId: taskId, als: taskId }]);
  });

  it("logs each attempt with its task id, type, attempt and correlation id, as the handler's ctx.logger does", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    let attempts = 0;
    const worker = bed.worker(
      {
        send_email: async (_payload: unknown, ctx: TaskContext) => {
          ctx.logger.info("from the handler");
          if (++attempts === 1) throw new Error("first attempt fails");
        },
        resize_image: noop,
      },
      { logger, logSuccess: true },
    );
    const id = await addRaw(bed.redis, bed.keys.stream);
    await worker.start();
    await eventually(async () => lines.some((line) => line.msg === "task succeeded"), "success logged");
    const bindings = (attempt: number) => ({
      taskId: id,
      type: "send_email",
      attempt,
      correlationId: `corr-${id}`,
    });
    const about = (msg: string) => lines.filter((line) => line.msg === msg);
    expect(about("from the handler")).toEqual([
      expect.objectContaining(bindings(1)),
      expect.objectContaining(bindings(2)),
    ]);
    expect(about("task failed")).toEqual([
      expect.objectContaining({
        ...bindings(1),
        level: 40,
        err: expect.objectContaining({ message: "first attempt fails" }),
      }),
    ]);
    expect(about("task succeeded")).toEqual([
      expect.objectContaining({ ...bindings(2), level: 30, durationMs: expect.any(Number) }),
    ]);
  });

  it("logs no line per success unless logSuccess is on; failures and retries are still logged", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    let attempts = 0;
    const worker = bed.worker(
      {
        send_email: async () => {
          if (++attempts === 1) throw new Error("first attempt fails");
        },
        resize_image: noop,
      },
      { logger, baseBackoff: 1 },
    );
    await addRaw(bed.redis, bed.keys.stream);
    await worker.start();
    await eventually(async () => worker.metrics.snapshot().processed.send_email?.success === 1, "handled");
    const messages = lines.map((line) => line.msg);
    expect(messages).toEqual(expect.arrayContaining(["task failed", "task retry scheduled"]));
    expect(messages).not.toContain("task succeeded");
  });
});

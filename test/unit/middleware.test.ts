import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { TaskTimeoutError } from "../../runtime/errors.js";
import { MetricsCollector } from "../../runtime/observe/metrics.js";
import { compose, type Middleware, type MiddlewareContext } from "../../runtime/worker/middleware/compose.js";
import { metricsMiddleware } from "../../runtime/worker/middleware/metrics.js";
import { recoveryMiddleware, toError } from "../../runtime/worker/middleware/recovery.js";
import { timeoutMiddleware } from "../../runtime/worker/middleware/timeout.js";
import {
  currentCorrelationId,
  currentTraceparent,
  tracingMiddleware,
} from "../../runtime/worker/middleware/tracing.js";
import { payloadValidation, validationMiddleware } from "../../runtime/worker/middleware/validation.js";
import { loggingMiddleware } from "../../runtime/worker/middleware/logging.js";
import { defaultOnion } from "../../runtime/worker/default-onion.js";
import { callHandler } from "../../runtime/worker/handlers.js";
import type { TaskDefinition } from "../../runtime/types.js";
import { TaskRejectedError } from "../../runtime/wire/validation.js";

const definition: TaskDefinition = {
  name: "greet",
  queue: "default",
  validator: z.object({ name: z.string() }),
};

function context(overrides: Partial<MiddlewareContext> = {}): MiddlewareContext {
  const controller = new AbortController();
  return {
    task: {
      queue: "default",
      entryId: "1-0",
      id: "t1",
      type: "greet",
      payload: '{"name":"Ada"}',
      retry: 0,
      maxRetry: undefined,
      timeoutMs: undefined,
      metadata: {},
      correlationId: "c1",
      createdAt: new Date(0),
      deliveryCount: 1,
      fields: {},
    },
    taskId: "t1",
    type: "greet",
    queue: "default",
    definition,
    attempt: 1,
    maxRetries: 3,
    timeoutMs: 30_000,
    correlationId: "c1",
    traceparent: undefined,
    metadata: {},
    logger: pino({ level: "silent" }),
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    payload: undefined,
    ...overrides,
  };
}

const noop = () => Promise.resolve();

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("compose", () => {
  it("runs middlewares as an onion in order, around the inner step", async () => {
    const calls: string[] = [];
    const tag =
      (name: string): Middleware =>
      async (_ctx, next) => {
        calls.push(`${name} in`);
        await next();
        calls.push(`${name} out`);
      };
    await compose([tag("a"), tag("b"), tag("c")], async () => {
      calls.push("handler");
    })(context());
    expect(calls).toEqual(["a in", "b in", "c in", "handler", "c out", "b out", "a out"]);
  });

  it("lets a middleware stop the task by not calling next", async () => {
    let handled = false;
    await compose([() => Promise.resolve()], async () => {
      handled = true;
    })(context());
    expect(handled).toBe(false);
  });

  it("turns a synchronous throw into a rejection", async () => {
    const throwing: Middleware = () => {
      throw new Error("sync");
    };
    expect(await rejectionOf(compose([throwing], noop)(context()))).toEqual(new Error("sync"));
    const syncHandler = () => {
      throw new Error("sync handler");
    };
    expect(await rejectionOf(compose([], syncHandler)(context()))).toEqual(new Error("sync handler"));
  });

  it("rejects a second call of next", async () => {
    const twice: Middleware = async (_ctx, next) => {
      await next();
      await next();
    };
    expect(await rejectionOf(compose([twice], noop)(context()))).toEqual(
      new Error("middleware called next() more than once"),
    );
  });
});

describe("recovery middleware", () => {
  it.each([
    ["a string", "boom", /non-Error value: boom$/],
    ["a number", 42, /non-Error value: 42$/],
    ["an object", { code: 7 }, /non-Error value: \{"code":7\}$/],
    ["undefined", undefined, /non-Error value: undefined$/],
  ])("turns a thrown %s into an Error carrying it", async (_what, value, message) => {
    const error = await rejectionOf(
      compose([recoveryMiddleware()], () => {
        throw value;
      })(context()),
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).cause).toBe(value);
  });

  it("passes Errors through untouched", async () => {
    const original = new TypeError("bad");
    expect(
      await rejectionOf(compose([recoveryMiddleware()], () => Promise.reject(original))(context())),
    ).toBe(original);
    expect(toError(original)).toBe(original);
  });
});

describe("timeout middleware", () => {
  it("aborts the signal and fails the attempt even when the handler ignores the signal", async () => {
    const ctx = context({ timeoutMs: 20 });
    const error = await rejectionOf(compose([timeoutMiddleware()], () => new Promise<void>(() => {}))(ctx));
    expect(error).toBeInstanceOf(TaskTimeoutError);
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.signal.reason).toBe(error);
  });

  it("leaves the signal alone when the handler finishes in time", async () => {
    const ctx = context({ timeoutMs: 10_000 });
    await compose([timeoutMiddleware()], noop)(ctx);
    expect(ctx.signal.aborted).toBe(false);
  });
});

describe("tracing middleware", () => {
  it("exposes the correlation id and trace context to code below it, and only there", async () => {
    const seen: (string | undefined)[] = [];
    const ctx = context({ correlationId: "corr-9", traceparent: "00-abc-def-01" });
    await compose([tracingMiddleware()], async () => {
      await new Promise((r) => setTimeout(r, 1));
      seen.push(currentCorrelationId(), currentTraceparent());
    })(ctx);
    expect(seen).toEqual(["corr-9", "00-abc-def-01"]);
    expect(currentCorrelationId()).toBeUndefined();
  });

  it("runs the hook inside the scope, around the rest of the onion", async () => {
    const calls: string[] = [];
    const hook: Middleware = async (ctx, next) => {
      calls.push(`span ${ctx.traceparent} ${currentCorrelationId()}`);
      await next();
    };
    await compose([tracingMiddleware(hook)], async () => {
      calls.push("handler");
    })(context({ traceparent: "tp" }));
    expect(calls).toEqual(["span tp c1", "handler"]);
  });
});

describe("validation middleware", () => {
  const limits = { maxBytes: 1_000, maxDepth: 8 };

  it("sets the validated payload before the handler", async () => {
    let payload: unknown;
    await compose([validationMiddleware(limits)], async (ctx) => {
      payload = ctx.payload;
    })(context());
    expect(payload).toEqual({ name: "Ada" });
  });

  it("never calls the handler for a rejected task", async () => {
    let handled = false;
    const ctx = context({ definition: undefined, type: "nope" });
    const error = await rejectionOf(
      compose([validationMiddleware(limits)], async () => {
        handled = true;
      })(ctx),
    );
    expect(error).toBeInstanceOf(TaskRejectedError);
    expect((error as TaskRejectedError).reason).toBe("unknown_type");
    expect(handled).toBe(false);
  });

  it("applies the task's own caps over the defaults", async () => {
    const ctx = context({ definition: { ...definition, maxPayloadBytes: 5 } });
    const error = await rejectionOf(compose([validationMiddleware(limits)], noop)(ctx));
    expect((error as TaskRejectedError).reason).toBe("too_large");
  });
});

describe("metrics", () => {
  it("counts in-flight attempts, durations and outcomes in a detached snapshot", async () => {
    const metrics = new MetricsCollector();
    let inFlightDuring = -1;
    await compose([metricsMiddleware(metrics)], async () => {
      inFlightDuring = metrics.snapshot().inFlight;
    })(context());
    await rejectionOf(compose([metricsMiddleware(metrics)], () => Promise.reject(new Error("x")))(context()));
    metrics.recordOutcome("greet", "success");
    metrics.recordOutcome("greet", "retry");
    metrics.recordOutcome("(unknown)", "dead_letter", "unknown_type");
    metrics.recordFetchError();
    const snapshot = metrics.snapshot();
    expect(inFlightDuring).toBe(1);
    expect(snapshot.inFlight).toBe(0);
    expect(snapshot.processed).toEqual({ greet: { success: 1, retry: 1 }, "(unknown)": { dead_letter: 1 } });
    expect(snapshot.deadLettered).toEqual({ unknown_type: 1 });
    expect(snapshot.fetchErrors).toBe(1);
    const greet = snapshot.durations.greet;
    expect(greet?.count).toBe(2);
    const counts = greet?.buckets.map((b) => b.count) ?? [];
    expect(counts).toEqual([...counts].sort((a, b) => a - b)); // cumulative buckets never decrease
    expect(counts.at(-1)).toBe(2); // both attempts took well under a minute
    metrics.recordOutcome("greet", "success");
    expect(snapshot.processed.greet?.success).toBe(1);
  });
});

describe("the default onion as one step (default-onion.ts) and as composed middlewares", () => {
  type Handler = (payload: unknown) => Promise<void>;
  const validate = payloadValidation(
    { maxBytes: 1_000_000, maxDepth: 32 },
    {},
    { maxDeferrals: 0, delayMs: 1 },
  );

  /** What an attempt comes to through each: the outcome, the lines logged, the metrics, the ALS id. */
  async function runBoth(handler: Handler, overrides: Partial<MiddlewareContext> = {}) {
    const results = [];
    for (const fused of [true, false]) {
      const lines: Record<string, unknown>[] = [];
      const logger = pino({ level: "debug" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
      const metrics = new MetricsCollector();
      let seenCorrelation: string | undefined;
      const handlers = {
        greet: async (payload: unknown) => {
          seenCorrelation = currentCorrelationId();
          await handler(payload);
        },
      };
      const onion = fused
        ? defaultOnion({ logger, logSuccess: true, metrics, traceHook: undefined, validate, handlers })
        : compose(
            [
              recoveryMiddleware(),
              loggingMiddleware(logger, true),
              metricsMiddleware(metrics),
              tracingMiddleware(),
              timeoutMiddleware(),
              validationMiddleware(
                { maxBytes: 1_000_000, maxDepth: 32 },
                {},
                { maxDeferrals: 0, delayMs: 1 },
              ),
            ],
            (ctx) => callHandler(handlers, ctx),
          );
      const ctx = context(overrides);
      const outcome = await onion(ctx).then(
        () => "ok",
        (error: unknown) => `${(error as Error).constructor.name}: ${(error as Error).message}`,
      );
      const snapshot = metrics.snapshot();
      results.push({
        outcome,
        payload: ctx.payload,
        lines: lines.map(({ msg, level, taskId, reason }) => ({ msg, level, taskId, reason })),
        durations: snapshot.durations.greet?.count,
        inFlight: snapshot.inFlight,
        seenCorrelation,
      });
    }
    expect(results[0]).toEqual(results[1]);
    return results[0];
  }

  it("success", async () => {
    const result = await runBoth(async () => {});
    expect(result?.outcome).toBe("ok");
    expect(result?.seenCorrelation).toBe("c1");
  });

  it("a handler throwing a non-Error value", async () => {
    const result = await runBoth(async () => {
      throw "boom";
    });
    expect(result?.outcome).toContain("non-Error value");
  });

  it("a payload the validation refuses never reaches the handler", async () => {
    let called = false;
    const result = await runBoth(
      async () => {
        called = true;
      },
      { task: { ...context().task, payload: '{"name":1}' } },
    );
    expect(result?.outcome).toMatch(/^TaskRejectedError/);
    expect(called).toBe(false);
  });

  it("a handler outliving its timeout", async () => {
    const result = await runBoth(() => new Promise<void>(() => {}), { timeoutMs: 20 });
    expect(result?.outcome).toMatch(/^TaskTimeoutError/);
  });
});

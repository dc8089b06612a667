/**
 * The default onion as one step, for a worker without `worker.use` middlewares:
 *
 *   recovery → logging → metrics → tracing (with the trace hook) → timeout → validation → handler
 *
 * with the effects and order of composing the middlewares of middleware/ (test/unit/middleware.test.ts
 * runs both), but one promise chain per attempt instead of a promise and closures per layer: at
 * tens of thousands of tasks a second those were a visible part of the worker's CPU and garbage
 * (bench/README.md).
 */
import { performance } from "node:perf_hooks";
import type { Logger } from "pino";
import { metricsTypeLabel, type MetricsCollector } from "../observe/metrics.js";
import type { AnyHandler } from "../types.js";
import { callHandler } from "./handlers.js";
import type { Middleware, MiddlewareContext, TaskStep } from "./middleware/compose.js";
import { logAttemptFailure, logAttemptStart, logAttemptSuccess } from "./middleware/logging.js";
import { toError } from "./middleware/recovery.js";
import { hasTimeout, withTimeout } from "./middleware/timeout.js";
import { runInTraceScope } from "./middleware/tracing.js";

export interface DefaultOnionParts {
  readonly logger: Logger;
  readonly logSuccess: boolean;
  readonly metrics: MetricsCollector;
  readonly traceHook: Middleware | undefined;
  /** The validation step: the payload, or a thrown rejection (middleware/validation.ts). */
  readonly validate: (ctx: MiddlewareContext) => unknown;
  readonly handlers: Readonly<Record<string, AnyHandler>>;
}

export function defaultOnion(parts: DefaultOnionParts): TaskStep {
  const { logger, logSuccess, metrics, traceHook, validate, handlers } = parts;

  /** timeout → validation → handler. */
  const handle = (ctx: MiddlewareContext): Promise<void> => {
    try {
      ctx.payload = validate(ctx);
      const handling = Promise.resolve(callHandler(handlers, ctx));
      return hasTimeout(ctx) ? withTimeout(ctx, handling) : handling;
    } catch (error) {
      return Promise.reject(error);
    }
  };
  /** tracing hook → the rest, inside the trace scope. */
  const traced = (ctx: MiddlewareContext): Promise<void> =>
    traceHook === undefined ? handle(ctx) : traceHook(ctx, () => handle(ctx));

  return (ctx) => {
    const started = performance.now();
    logAttemptStart(logger, ctx);
    metrics.attemptStarted();
    let inner: Promise<void>;
    try {
      inner = runInTraceScope(ctx, traced);
    } catch (error) {
      inner = Promise.reject(error);
    }
    return inner.then(
      () => {
        const elapsed = performance.now() - started;
        metrics.attemptFinished(metricsTypeLabel(ctx), elapsed);
        if (logSuccess) logAttemptSuccess(logger, ctx, elapsed);
      },
      (error: unknown) => {
        const elapsed = performance.now() - started;
        metrics.attemptFinished(metricsTypeLabel(ctx), elapsed);
        logAttemptFailure(logger, ctx, error, elapsed);
        throw toError(error);
      },
    );
  };
}

/**
 * Logging: one pino line when an attempt starts (debug), one when it fails (with the error and
 * duration) and, with the worker option `logSuccess`, one when it succeeds (with its duration).
 * Every line carries the task id, type, attempt and correlation id. Payloads are never logged.
 * Retries and dead letters are logged where they happen (settle.ts), whatever `logSuccess` says.
 *
 * Lines are written through `logger` with those fields rather than through `ctx.logger`, so an
 * attempt whose handler never logs costs no child logger (the output is the same).
 */
import { performance } from "node:perf_hooks";
import type { Logger } from "pino";
import { attemptBindings } from "../attempt-context.js";
import type { Middleware, MiddlewareContext } from "./compose.js";
import { DeferTaskError } from "../../wire/payload-versions.js";
import { TaskRejectedError } from "../../wire/validation.js";

export function loggingMiddleware(logger: Logger, logSuccess = false): Middleware {
  return (ctx, next) => {
    const started = performance.now();
    logAttemptStart(logger, ctx);
    return next().then(
      () => {
        if (logSuccess) logAttemptSuccess(logger, ctx, performance.now() - started);
      },
      (error: unknown) => {
        logAttemptFailure(logger, ctx, error, performance.now() - started);
        throw error;
      },
    );
  };
}

/** "task started", at debug. */
export function logAttemptStart(logger: Logger, ctx: MiddlewareContext): void {
  if (logger.isLevelEnabled("debug")) {
    logger.debug(
      { ...attemptBindings(ctx), entryId: ctx.task.entryId, deliveryCount: ctx.task.deliveryCount },
      "task started",
    );
  }
}

/** "task succeeded", at info. */
export function logAttemptSuccess(logger: Logger, ctx: MiddlewareContext, elapsedMs: number): void {
  // Spelled out, not spread from attemptBindings: one object less on every success.
  const { taskId, type, attempt, correlationId } = ctx;
  logger.info({ taskId, type, attempt, correlationId, durationMs: Math.round(elapsedMs) }, "task succeeded");
}

/** The line of a failed attempt: handed back, rejected or failed. */
export function logAttemptFailure(
  logger: Logger,
  ctx: MiddlewareContext,
  error: unknown,
  elapsedMs: number,
): void {
  const durationMs = Math.round(elapsedMs);
  if (error instanceof DeferTaskError) {
    logger.info(
      { ...attemptBindings(ctx), delayMs: error.delayMs, reason: error.message, durationMs },
      "task handed back for a newer worker",
    );
  } else if (error instanceof TaskRejectedError) {
    logger.warn(
      { ...attemptBindings(ctx), reason: error.reason, error: error.message, durationMs },
      "task rejected",
    );
  } else {
    logger.warn({ ...attemptBindings(ctx), err: error, durationMs }, "task failed");
  }
}

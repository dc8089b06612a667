/**
 * Logging: one pino line when an attempt starts (debug), one when it succeeds (with its duration)
 * and one when it fails (with the error and duration). Every line carries the task id, type,
 * attempt and correlation id. Payloads are never logged.
 *
 * Lines are written through `logger` with those fields rather than through `ctx.logger`, so an
 * attempt whose handler never logs costs no child logger (the output is the same).
 */
import { performance } from "node:perf_hooks";
import type { Logger } from "pino";
import { attemptBindings } from "../attempt-context.js";
import type { Middleware } from "./compose.js";
import { DeferTaskError } from "../../wire/payload-versions.js";
import { TaskRejectedError } from "../../wire/validation.js";

export function loggingMiddleware(logger: Logger): Middleware {
  return (ctx, next) => {
    const started = performance.now();
    if (logger.isLevelEnabled("debug")) {
      logger.debug(
        { ...attemptBindings(ctx), entryId: ctx.task.entryId, deliveryCount: ctx.task.deliveryCount },
        "task started",
      );
    }
    return next().then(
      () => {
        const durationMs = Math.round(performance.now() - started);
        // Spelled out, not spread from attemptBindings: one object less on every success.
        const { taskId, type, attempt, correlationId } = ctx;
        logger.info({ taskId, type, attempt, correlationId, durationMs }, "task succeeded");
      },
      (error: unknown) => {
        const durationMs = Math.round(performance.now() - started);
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
        throw error;
      },
    );
  };
}

/**
 * Logging: one pino line when an attempt starts, one when it succeeds (with its duration) and one
 * when it fails (with the error and duration). Every line carries the task id, type, attempt and
 * correlation id through the task's child logger. Payloads are never logged.
 */
import { performance } from "node:perf_hooks";
import type { Middleware } from "../middleware.js";
import { TaskRejectedError } from "../validation.js";

export function loggingMiddleware(): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    ctx.logger.debug({ entryId: ctx.task.entryId, deliveryCount: ctx.task.deliveryCount }, "task started");
    try {
      await next();
    } catch (error) {
      const durationMs = Math.round(performance.now() - started);
      if (error instanceof TaskRejectedError) {
        ctx.logger.warn({ reason: error.reason, error: error.message, durationMs }, "task rejected");
      } else {
        ctx.logger.warn({ err: error, durationMs }, "task failed");
      }
      throw error;
    }
    ctx.logger.info({ durationMs: Math.round(performance.now() - started) }, "task succeeded");
  };
}

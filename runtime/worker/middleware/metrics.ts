/**
 * Metrics: counts the attempt as in flight while it runs and records its duration by task type.
 * Outcomes (success, retry, dead letter, ...) are recorded by the worker once the transition is
 * on Redis, so the counters say what really happened to the task.
 */
import { performance } from "node:perf_hooks";
import type { Middleware } from "./compose.js";
import { metricsTypeLabel, type MetricsCollector } from "../../observe/metrics.js";

export function metricsMiddleware(collector: MetricsCollector): Middleware {
  return (ctx, next) => {
    const started = performance.now();
    collector.attemptStarted();
    const finished = () => collector.attemptFinished(metricsTypeLabel(ctx), performance.now() - started);
    return next().then(finished, (error: unknown) => {
      finished();
      throw error;
    });
  };
}

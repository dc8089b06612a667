/**
 * Tracing: runs the rest of the onion inside an AsyncLocalStorage scope holding the task's
 * correlation id and trace context, so code anywhere below the handler can read them with
 * {@link currentCorrelationId} / {@link currentTraceparent}. The optional hook runs inside that
 * scope around the rest of the onion: an OpenTelemetry adapter starts its span there from
 * `ctx.traceparent` (the producer's W3C trace context).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Middleware, MiddlewareContext } from "./compose.js";

/** What the scope holds: the attempt's context itself (no object per task for the scope). */
type TraceScope = Pick<MiddlewareContext, "correlationId" | "traceparent">;

const scope = new AsyncLocalStorage<TraceScope>();

/** The correlation id of the task being handled in this async context; `undefined` outside one. */
export function currentCorrelationId(): string | undefined {
  return scope.getStore()?.correlationId;
}

/** The producer's `traceparent` for the task being handled in this async context, when any. */
export function currentTraceparent(): string | undefined {
  return scope.getStore()?.traceparent;
}

export function tracingMiddleware(hook?: Middleware): Middleware {
  return (ctx, next) => scope.run(ctx, () => (hook ? hook(ctx, next) : next()));
}

/** `step(ctx)` inside the scope of `ctx` (the default onion's tracing layer, without a closure). */
export function runInTraceScope<C extends TraceScope, R>(ctx: C, step: (ctx: C) => R): R {
  return scope.run(ctx, step, ctx);
}

/**
 * Middleware: the onion every delivered task passes through, as in the Go package. Each
 * middleware receives the task's context and a continuation; it calls `next()` once (unless it
 * deliberately stops the task) and may act before and after it. The worker's order, outermost
 * first:
 *
 *   recovery → logging → metrics → tracing → timeout → validation → `worker.use(...)` → handler
 *
 * so a custom middleware added with `worker.use` runs inside the timeout, after validation (it sees
 * `ctx.payload` validated) and just before the handler, in the order of the `use` calls. A
 * middleware that throws fails the attempt like a handler error (retry, or DLQ when exhausted).
 */
import type { Logger } from "pino";
import type { DeliveredTask } from "../provider.js";
import type { TaskDefinition } from "../../types.js";

/** What a middleware sees of one attempt of one task. */
export interface MiddlewareContext {
  /** The entry as delivered: ids, fields, delivery count. */
  readonly task: DeliveredTask;
  /** Stable task id (survives retries). */
  readonly taskId: string;
  /** Wire name of the task type; `undefined` when the entry has none. */
  readonly type: string | undefined;
  /** Queue name (schema key). */
  readonly queue: string;
  /** The registry's definition; `undefined` when this worker has no handler for the type. */
  readonly definition: TaskDefinition | undefined;
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number;
  /** Retries allowed after the first attempt. */
  readonly maxRetries: number;
  /** This attempt's timeout in milliseconds. */
  readonly timeoutMs: number;
  readonly correlationId: string;
  /** W3C trace context written by the producer (`traceparent` field or metadata), when any. */
  readonly traceparent: string | undefined;
  readonly metadata: Readonly<Record<string, string>>;
  /** A pino logger bound to task id, type, attempt and correlation id. */
  readonly logger: Logger;
  /** Aborted at the timeout and at a forced shutdown; the handler's `ctx.signal`. */
  readonly signal: AbortSignal;
  /** Aborts {@link signal} with `reason` (first call wins). */
  abort(reason: Error): void;
  /** The validated payload; set by the validation middleware, `undefined` before it ran. */
  payload: unknown;
}

/** `(ctx, next) => Promise<void>`: acts around `next()`, the rest of the onion. */
export type Middleware = (ctx: MiddlewareContext, next: () => Promise<void>) => Promise<void>;

/** The innermost step of the onion. */
export type TaskStep = (ctx: MiddlewareContext) => Promise<void>;

/**
 * One step running `middlewares` in order around `inner`. A synchronous throw anywhere becomes a
 * rejection; calling `next()` twice from one middleware rejects.
 */
export function compose(middlewares: readonly Middleware[], inner: TaskStep): TaskStep {
  return (ctx) => {
    let lastIndex = -1;
    const dispatch = (index: number): Promise<void> => {
      if (index <= lastIndex) return Promise.reject(new Error("middleware called next() more than once"));
      lastIndex = index;
      try {
        const middleware = middlewares[index];
        if (middleware === undefined) return Promise.resolve(inner(ctx));
        return Promise.resolve(middleware(ctx, () => dispatch(index + 1)));
      } catch (error) {
        return Promise.reject(error);
      }
    };
    return dispatch(0);
  };
}

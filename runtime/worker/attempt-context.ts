/**
 * The context of one attempt as the worker builds it: a {@link MiddlewareContext} whose logger and
 * abort signal are made on first use. Most attempts of a healthy queue never read either (the
 * logging middleware writes through the worker's logger with the same fields), and a child logger
 * plus an AbortController per task were a measurable part of the worker's cost (bench/README.md).
 */
import type { Logger } from "pino";
import type { MiddlewareContext } from "./middleware/compose.js";
import type { DeliveredTask } from "./provider.js";
import type { TaskContext, TaskDefinition } from "../types.js";

/** The fields every log line about an attempt carries: task id, type, attempt, correlation id. */
export function attemptBindings(ctx: MiddlewareContext) {
  return { taskId: ctx.taskId, type: ctx.type, attempt: ctx.attempt, correlationId: ctx.correlationId };
}

export class AttemptContext implements MiddlewareContext {
  readonly taskId: string;
  readonly type: string | undefined;
  readonly queue: string;
  readonly attempt: number;
  readonly correlationId: string;
  readonly traceparent: string | undefined;
  readonly metadata: Readonly<Record<string, string>>;
  payload: unknown = undefined;
  private controller: AbortController | undefined;
  private childLogger: Logger | undefined;

  constructor(
    readonly task: DeliveredTask,
    readonly definition: TaskDefinition | undefined,
    readonly maxRetries: number,
    readonly timeoutMs: number,
    private readonly workerLogger: Logger,
  ) {
    this.taskId = task.id;
    this.type = task.type;
    this.queue = task.queue;
    this.attempt = task.retry + 1;
    this.correlationId = task.correlationId ?? task.id;
    this.traceparent = ownField(task.fields, "traceparent") ?? ownField(task.metadata, "traceparent");
    this.metadata = task.metadata;
  }

  get logger(): Logger {
    this.childLogger ??= this.workerLogger.child(attemptBindings(this));
    return this.childLogger;
  }

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  abort(reason: Error): void {
    this.controller ??= new AbortController();
    this.controller.abort(reason);
  }
}

function ownField(record: Readonly<Record<string, string>>, key: string): string | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * What a handler sees of its attempt. `signal` and `logger` are read from the attempt on use
 * (getters on the class: a per-task object literal with getters cost a closure each), so pass the
 * context itself along rather than a spread copy of it.
 */
export class HandlerContext implements TaskContext {
  readonly taskId: string;
  readonly type: string;
  readonly queue: string;
  readonly payload: unknown;
  readonly attempt: number;
  readonly maxRetries: number;
  readonly metadata: Readonly<Record<string, string>>;
  readonly correlationId: string;
  /** When the task was first enqueued (`created_at`, else `enqueued_at_ms`; wire.ts decodeTask). */
  readonly enqueuedAt: Date;

  constructor(private readonly attemptContext: MiddlewareContext) {
    this.taskId = attemptContext.taskId;
    this.type = attemptContext.type ?? "";
    this.queue = attemptContext.queue;
    this.payload = attemptContext.payload;
    this.attempt = attemptContext.attempt;
    this.maxRetries = attemptContext.maxRetries;
    this.metadata = attemptContext.metadata;
    this.correlationId = attemptContext.correlationId;
    this.enqueuedAt = attemptContext.task.createdAt;
  }

  get signal(): AbortSignal {
    return this.attemptContext.signal;
  }

  get logger(): Logger {
    return this.attemptContext.logger;
  }
}

/**
 * Every error jobgen throws carries a stable `code` from {@link ErrorCode}; match on the code,
 * never on the message. Handlers steer retries with {@link PermanentError} and {@link RetryAfterError}.
 */
import type { EnqueuedTask } from "./types.js";

/** The closed list of error codes: one per error class, never reused. */
export const ERROR_CODES = [
  "VALIDATION",
  "PERMANENT",
  "RETRY_AFTER",
  "QUEUE_FULL",
  "UNKNOWN_TASK",
  "TIMEOUT",
  "TOO_LARGE",
  "CONFIG",
  "CLOSED",
  "REDIS",
  "REJECTED",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export abstract class JobgenError extends Error {
  abstract readonly code: ErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One problem in a payload: where (`path`, e.g. `["items", 0, "sku"]`) and what. */
export interface ValidationIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** A zod issue as far as jobgen reads it (zod's own type stays out of this module). */
interface ZodIssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** Zod's issues (`result.error.issues`) as jobgen's {@link ValidationIssue} list; symbol keys become text. */
export function toValidationIssues(issues: readonly ZodIssueLike[]): ValidationIssue[] {
  return issues.map((issue) => ({
    path: issue.path.map((segment) => (typeof segment === "number" ? segment : String(segment))),
    message: issue.message,
  }));
}

/** A payload does not match its task's schema. `issues` lists every problem with its path. */
export class ValidationError extends JobgenError {
  readonly code = "VALIDATION";
  constructor(
    readonly task: string,
    readonly issues: readonly ValidationIssue[],
  ) {
    super(`invalid payload for task "${task}": ${formatIssues(issues)}`);
  }
}

/** Thrown by a handler: the task cannot succeed; it goes to the DLQ at once, without retries. */
export class PermanentError extends JobgenError {
  readonly code = "PERMANENT";
}

/** Thrown by a handler: retry this task after `delayMs` instead of the policy's backoff. */
export class RetryAfterError extends JobgenError {
  readonly code = "RETRY_AFTER";
  constructor(
    readonly delayMs: number,
    message = `retry requested after ${delayMs}ms`,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The queue holds `maxLen` tasks already (waiting, in flight and delayed): the task was not
 * accepted and nothing of it was written. From `enqueueBulk`, `accepted` has one slot per item:
 * the task when it was enqueued, `null` when it was not; from `enqueue` it is empty.
 */
export class QueueFullError extends JobgenError {
  readonly code = "QUEUE_FULL";
  constructor(
    readonly queue: string,
    readonly maxLen: number,
    readonly accepted: readonly (EnqueuedTask | null)[] = [],
  ) {
    const bulk =
      accepted.length > 0
        ? ` (enqueueBulk: ${accepted.filter((t) => t !== null).length} of ${accepted.length} items were enqueued; ` +
          `error.accepted says which)`
        : "";
    super(
      `queue "${queue}" is full (maxLen ${maxLen}): the task was not enqueued${bulk}; ` +
        `let workers catch up, add workers, or raise maxLen in the schema`,
    );
  }
}

/** A task type that the registry does not know. */
export class UnknownTaskError extends JobgenError {
  readonly code = "UNKNOWN_TASK";
  constructor(readonly task: string) {
    super(`unknown task type "${task}": it is not in the schema this client was generated from`);
  }
}

/** A handler ran past its task's timeout; counts as a failed attempt. */
export class TaskTimeoutError extends JobgenError {
  readonly code = "TIMEOUT";
  constructor(
    readonly task: string,
    readonly timeoutMs: number,
  ) {
    super(`task "${task}" timed out after ${timeoutMs}ms`);
  }
}

/** A payload over its task's size or nesting-depth cap. */
export class PayloadTooLargeError extends JobgenError {
  readonly code = "TOO_LARGE";
}

/** Options or configuration that cannot work; the message names the option and the fix. */
export class ConfigError extends JobgenError {
  readonly code = "CONFIG";
}

/** The producer or worker was closed; nothing was written. */
export class ClosedError extends JobgenError {
  readonly code = "CLOSED";
}

/** Redis refused or could not be reached; `cause` holds the client's error. */
export class RedisError extends JobgenError {
  readonly code = "REDIS";
}

/** `path: message; path: message` with `(root)` for the payload itself. */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => `${i.path.length > 0 ? i.path.join(".") : "(root)"}: ${i.message}`).join("; ");
}

/**
 * What happens to a task after a failed attempt, decided from the error alone:
 * - a {@link DeferTaskError} (an entry of a newer payload version) → handed back after its delay,
 *   without counting a retry;
 * - a {@link TaskRejectedError} (validation middleware) → DLQ with its reason, never retried;
 * - a {@link PermanentError} → DLQ `permanent` at once;
 * - any other error (a {@link TaskTimeoutError} included) while `retry < maxRetries` → retry after
 *   {@link backoffDelay} of retry number `retry + 1`, or after `delayMs` of a {@link RetryAfterError};
 * - once retries are exhausted → DLQ `max_retries` with the last error.
 */
import { backoffDelay } from "../backoff.js";
import { PermanentError, RetryAfterError } from "../errors.js";
import type { DeadLetterDetails } from "./provider.js";
import type { TaskSettings } from "./task-settings.js";
import { DeferTaskError } from "../wire/payload-versions.js";
import { TaskRejectedError } from "../wire/validation.js";

export type FailureDisposition =
  | { readonly kind: "retry"; readonly delayMs: number }
  | { readonly kind: "defer"; readonly delayMs: number }
  | { readonly kind: "dead_letter"; readonly details: DeadLetterDetails };

/** `retry`: retries already done (the entry's `retry` field). */
export function failureDisposition(
  error: Error,
  retry: number,
  settings: TaskSettings,
  random: () => number = Math.random,
): FailureDisposition {
  if (error instanceof DeferTaskError) return { kind: "defer", delayMs: error.delayMs };
  if (error instanceof TaskRejectedError) {
    return {
      kind: "dead_letter",
      details: { reason: error.reason, error: error.message, details: error.details },
    };
  }
  if (error instanceof PermanentError) {
    return {
      kind: "dead_letter",
      details: { reason: "permanent", error: error.message, details: describe(error) },
    };
  }
  if (retry < settings.maxRetries) {
    const delayMs =
      error instanceof RetryAfterError
        ? Math.max(0, error.delayMs)
        : backoffDelay(settings.backoff, retry + 1, random);
    return { kind: "retry", delayMs };
  }
  return {
    kind: "dead_letter",
    details: {
      reason: "max_retries",
      error: error.message,
      details: { attempts: retry + 1, ...describe(error) },
    },
  };
}

/** The JSON-friendly description of an error kept in the DLQ record. */
function describe(error: Error): { name: string; code?: string; stack?: string } {
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    ...(typeof code === "string" ? { code } : {}),
    ...(error.stack === undefined ? {} : { stack: error.stack }),
  };
}

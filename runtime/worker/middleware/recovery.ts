/**
 * Recovery: whatever the rest of the onion throws or rejects with, the worker receives an `Error`.
 * A non-Error value (`throw "boom"`, `Promise.reject(42)`) becomes an Error naming the value and
 * carrying it as `cause`. (A handler that calls `process.exit` cannot be recovered from.)
 */
import type { Middleware } from "./compose.js";

/** The error itself, or an Error describing a thrown non-Error value. */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  let text: string;
  try {
    text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return new Error(`handler threw a non-Error value: ${text}`, { cause: value });
}

export function recoveryMiddleware(): Middleware {
  return (_ctx, next) => next().then(undefined, rethrowAsError);
}

function rethrowAsError(error: unknown): never {
  throw toError(error);
}

/**
 * Redaction of payload fields marked `x-sensitive: true` in the schema (a task's `sensitivePaths`):
 * in the DLQ view (`jobgen dlq show`, {@link redactPayload}) and in pino logs
 * ({@link pinoRedactPaths} for pino's `redact` option).
 *
 * A path is a list of property names from the payload root; the segment `*` stands for every
 * element of an array (or every value of an object) at that level.
 */
import type { TaskRegistry } from "../types.js";

/** What a redacted value is replaced with. */
export const REDACTED = "[REDACTED]";

/** The segment of a sensitive path that matches every array element or object value. */
export const ANY_SEGMENT = "*";

/** A copy of `payload` with every value at one of `paths` replaced by {@link REDACTED}. */
export function redactPayload(payload: unknown, paths: readonly (readonly string[])[] | undefined): unknown {
  if (paths === undefined || paths.length === 0) return payload;
  const copy: unknown = structuredClone(payload);
  for (const path of paths) redactAt(copy, path);
  return copy;
}

function redactAt(value: unknown, path: readonly string[]): void {
  if (typeof value !== "object" || value === null || path.length === 0) return;
  const [head, ...rest] = path as [string, ...string[]];
  const container = value as Record<string, unknown>;
  const keys = head === ANY_SEGMENT ? Object.keys(container) : Object.hasOwn(container, head) ? [head] : [];
  for (const key of keys) {
    if (rest.length === 0) container[key] = REDACTED;
    else redactAt(container[key], rest);
  }
}

/**
 * Paths for pino's `redact` option covering every sensitive field of every task, wherever a log
 * line carries the payload (`payload` or `task.payload`). Pino paths cannot say which task a
 * payload belongs to, so a field sensitive in one task is redacted under that name in all.
 */
export function pinoRedactPaths(registry: TaskRegistry): string[] {
  const paths = new Set<string>();
  for (const task of Object.values(registry.tasks)) {
    for (const path of task.sensitivePaths ?? []) {
      const tail = path.map((segment) => (segment === ANY_SEGMENT ? "[*]" : `[${JSON.stringify(segment)}]`));
      for (const root of ["payload", "task.payload"]) paths.add(root + tail.join(""));
    }
  }
  return [...paths].sort();
}

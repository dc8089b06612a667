/**
 * The checks a payload passes before any producer accepts it — the real one and the in-memory
 * one of `@jobgen/runtime/testing` alike — so that nothing a producer accepts is dead-lettered by a worker.
 */
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_PAYLOAD_BYTES } from "../defaults.js";
import { PayloadTooLargeError, toValidationIssues, ValidationError } from "../errors.js";
import type { TaskDefinition } from "../types.js";
import { walkKeys } from "../wire/validation.js";
import { unsafeIntegerIssues } from "../wire/exact-integers.js";

/**
 * Checks, in this order, nesting depth (first, so a 10k-deep value gets a clear error instead of
 * overflowing the stack in JSON.stringify or zod), JSON size, the task's compiled check or zod validator, forbidden
 * keys (`__proto__`, `constructor`, `prototype`, which workers refuse; found by the same walk as
 * the depth) and integers outside ±(2^53 − 1) in the JSON text (which workers refuse, as a JSON
 * reader may round them). Returns the payload's JSON text, with the defaults of a task that has
 * them filled in (the stored task is complete); throws `PayloadTooLargeError` or
 * `ValidationError` (every issue, with paths).
 */
export function checkOutgoingPayload(type: string, task: TaskDefinition, payload: unknown): string {
  const maxDepth = task.maxDepth ?? DEFAULT_MAX_DEPTH;
  const walk = walkKeys(payload, maxDepth);
  if (walk.tooDeep) {
    throw new PayloadTooLargeError(
      `payload of task "${type}" nests objects/arrays deeper than its cap of ${maxDepth} (maxDepth in the schema)`,
    );
  }
  const json = toJson(type, payload);
  checkSize(type, json, task.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES);
  // The compiled check settles a valid payload without defaults; zod lists the issues otherwise.
  const checked = task.fillsDefaults !== true && task.check?.(payload) === true;
  const result = checked ? undefined : task.validator.safeParse(payload);
  if (result?.success === false) {
    throw new ValidationError(type, toValidationIssues(result.error.issues));
  }
  const refused = [...walk.issues, ...unsafeIntegerIssues(json)];
  if (refused.length > 0) throw new ValidationError(type, refused);
  if (task.fillsDefaults !== true || result === undefined) return json;
  const filled = toJson(type, result.data);
  checkSize(type, filled, task.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES);
  return filled;
}

/** Throws `PayloadTooLargeError` when `json` is over `maxBytes` bytes of UTF-8. */
function checkSize(type: string, json: string, maxBytes: number): void {
  // A UTF-16 code unit is at most 3 bytes of UTF-8: text that short is under the cap uncounted.
  if (json.length * 3 <= maxBytes) return;
  const bytes = Buffer.byteLength(json, "utf8");
  if (bytes > maxBytes) {
    throw new PayloadTooLargeError(
      `payload of task "${type}" is ${bytes} bytes of JSON, over its cap of ${maxBytes} (maxPayloadBytes in the schema)`,
    );
  }
}

function toJson(type: string, payload: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(payload);
  } catch (err) {
    const message = `payload is not JSON-serialisable: ${err instanceof Error ? err.message : String(err)}`;
    throw new ValidationError(type, [{ path: [], message }]);
  }
  if (json === undefined) {
    throw new ValidationError(type, [{ path: [], message: "payload is not JSON-serialisable" }]);
  }
  return json;
}

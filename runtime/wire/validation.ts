/**
 * Worker-side checks of a delivered payload, in this order: size cap → nesting-depth cap (both
 * `too_large`), JSON syntax (`malformed`), keys that could pollute prototypes and the task's zod
 * validator (both `validation`, with the issues). Pure functions; the validation middleware
 * applies them and the worker dead-letters a {@link TaskRejectedError} with its reason.
 */
import type { DeadLetterReason } from "./dead-letter.js";
import { formatIssues, JobgenError, toValidationIssues, type ValidationIssue } from "../errors.js";
import type { TaskDefinition } from "../types.js";
import { unsafeIntegerIssues } from "./exact-integers.js";

/** Keys refused anywhere in a payload: merging such an object into another can pollute prototypes. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** A delivered task that must not reach its handler; it goes to the DLQ with `reason`, without retries. */
export class TaskRejectedError extends JobgenError {
  readonly code = "REJECTED";
  constructor(
    readonly reason: Exclude<DeadLetterReason, "max_retries" | "permanent" | "poison">,
    message: string,
    /** JSON-serialisable details for the DLQ record (validation issues). */
    readonly details?: { readonly issues: readonly ValidationIssue[] },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The caps a payload must respect. */
export interface PayloadLimits {
  /** Largest payload, in bytes of UTF-8 JSON text. */
  readonly maxBytes: number;
  /** Deepest nesting of objects and arrays (`{}` is depth 1). */
  readonly maxDepth: number;
}

/**
 * The deepest nesting of `{`/`[` in JSON text, counting brackets outside strings; stops scanning
 * as soon as `limit` is exceeded (and returns limit + 1). Iterative: 10k-deep input is fine.
 */
export function jsonNestingDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return deepest;
}

/** Every place a forbidden key occurs in a parsed JSON value (iterative walk). */
export function forbiddenKeyIssues(value: unknown): ValidationIssue[] {
  return walkKeys(value, Number.POSITIVE_INFINITY).issues;
}

/** What one walk over a value found. */
export interface KeyWalk {
  /** Objects/arrays nest deeper than the limit (`{}` is depth 1); `issues` is then incomplete. */
  readonly tooDeep: boolean;
  /** Every place a forbidden key occurs. */
  readonly issues: ValidationIssue[];
}

/**
 * Walks the objects and arrays of a value once for both its nesting depth and its forbidden keys.
 * Iterative and stops at the first node past `maxDepth`, so a 10k-deep value costs `maxDepth`
 * steps, not a stack. Only objects and arrays are visited: a flat payload allocates next to nothing.
 */
export function walkKeys(value: unknown, maxDepth: number): KeyWalk {
  const issues: ValidationIssue[] = [];
  if (!isObject(value)) return { tooDeep: false, issues };
  // Paths are kept as parent links and spelled out only for an issue: no array copy per node.
  const stack: PathNode[] = [{ value, key: undefined, parent: undefined, depth: 1, reported: false }];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node.depth > maxDepth) return { tooDeep: true, issues };
    const { value: current, depth, reported } = node;
    if (Array.isArray(current)) {
      for (let index = 0; index < current.length; index++) {
        const child: unknown = current[index];
        if (isObject(child)) {
          stack.push({ value: child, key: index, parent: node, depth: depth + 1, reported });
        }
      }
      continue;
    }
    for (const key of Object.keys(current)) {
      // Under a forbidden key (reported once) the walk goes on for the depth only.
      const forbidden = FORBIDDEN_KEYS.has(key);
      if (forbidden && !reported) {
        issues.push({
          path: [...pathOf(node), key],
          message: `key "${key}" is not allowed in a payload (prototype pollution)`,
        });
      }
      const child = (current as Record<string, unknown>)[key];
      if (isObject(child)) {
        stack.push({ value: child, key, parent: node, depth: depth + 1, reported: reported || forbidden });
      }
    }
  }
  return { tooDeep: false, issues };
}

function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}

interface PathNode {
  readonly value: object;
  readonly key: string | number | undefined;
  readonly parent: PathNode | undefined;
  /** `{}` is depth 1. */
  readonly depth: number;
  /** Under a forbidden key, already reported. */
  readonly reported: boolean;
}

function pathOf(node: PathNode): (string | number)[] {
  const path: (string | number)[] = [];
  for (let n: PathNode | undefined = node; n?.key !== undefined; n = n.parent) path.unshift(n.key);
  return path;
}

/**
 * Parses payload text safely: size and depth caps first, then `JSON.parse` (which defines
 * `__proto__` as a plain own key, never as a prototype), then a refusal of forbidden keys and of
 * integers JSON.parse would have rounded (outside ±(2^53 − 1), see wire/exact-integers.ts).
 * Throws {@link TaskRejectedError} (`too_large`, `malformed` or `validation`).
 */
export function parsePayloadText(text: string, limits: PayloadLimits): unknown {
  // A UTF-16 code unit is at most 3 bytes of UTF-8: short text cannot be over the cap.
  const bytes = text.length * 3 <= limits.maxBytes ? 0 : Buffer.byteLength(text, "utf8");
  if (bytes > limits.maxBytes) {
    throw new TaskRejectedError("too_large", `payload is ${bytes} bytes, over the cap of ${limits.maxBytes}`);
  }
  if (jsonNestingDepth(text, limits.maxDepth) > limits.maxDepth) {
    throw new TaskRejectedError(
      "too_large",
      `payload nests deeper than the cap of ${limits.maxDepth} levels`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TaskRejectedError(
      "malformed",
      `payload is not valid JSON: ${(error as Error).message}`,
      undefined,
      {
        cause: error,
      },
    );
  }
  const issues = forbiddenKeyIssues(value);
  if (issues.length > 0) {
    throw new TaskRejectedError("validation", "payload carries keys that are not allowed", { issues });
  }
  const inexact = unsafeIntegerIssues(text);
  if (inexact.length > 0) {
    throw new TaskRejectedError(
      "validation",
      `payload holds integers outside ±(2^53 − 1): ${formatIssues(inexact)}`,
      {
        issues: inexact,
      },
    );
  }
  return value;
}

/**
 * The task's validation of a parsed payload: its compiled check when it has one (the value itself
 * when the check accepts it), else its zod validator's output; `validation` with every issue.
 */
export function validatePayload(definition: TaskDefinition, value: unknown): unknown {
  if (definition.check?.(value) === true) return value;
  const result = definition.validator.safeParse(value);
  if (!result.success) {
    const issues = toValidationIssues(result.error.issues);
    throw new TaskRejectedError(
      "validation",
      `payload does not match task "${definition.name}": ${formatIssues(issues)}`,
      { issues },
    );
  }
  return result.data;
}

/**
 * The validated payload of a delivered task, or a {@link TaskRejectedError}: no type →
 * `malformed`; a type without definition (or handler) → `unknown_type`; no payload, or payload
 * bytes that are not valid UTF-8 → `malformed`; then the payload checks
 * of {@link parsePayloadText}; finally `validate` (the task's zod validator, {@link validatePayload},
 * unless the caller reads payload versions) → `validation` with every issue.
 */
export function validateDeliveredPayload(
  type: string | undefined,
  payloadText: string | undefined,
  definition: TaskDefinition | undefined,
  limits: PayloadLimits,
  payloadIsValidUtf8 = true,
  validate: (definition: TaskDefinition, value: unknown) => unknown = validatePayload,
): unknown {
  if (type === undefined || type === "") {
    throw new TaskRejectedError("malformed", "entry has no task type (no `type` field or metadata key)");
  }
  if (definition === undefined) {
    throw new TaskRejectedError("unknown_type", `no handler for task type "${type}" on this worker`);
  }
  if (payloadText === undefined) {
    throw new TaskRejectedError("malformed", "entry has no `payload` field");
  }
  if (!payloadIsValidUtf8) {
    throw new TaskRejectedError("malformed", "payload bytes are not valid UTF-8 text");
  }
  return validate(definition, parsePayloadText(payloadText, limits));
}

/**
 * What `jobgen diff` reports: one {@link Change} per difference between two schema files, with
 * its effect in each compatibility direction. A change is `safe` in a direction only when jobgen
 * can show that no task becomes unreadable; anything it cannot decide is `breaking`, with why.
 */
import type { DocumentPath } from "../load/issue.js";

/**
 * The directions jobgen checks. `backward`: workers of the new schema read every task written
 * under the old one (already queued, delayed, or sent by producers not yet updated). `forward`:
 * workers of the old schema read every task written under the new one.
 */
export type Direction = "backward" | "forward";

/** The compatibility modes of `--mode`; `full` is both directions. */
export const MODES = ["backward", "forward", "full"] as const;
export type Mode = (typeof MODES)[number];

/** The directions a mode checks. */
export function directionsOf(mode: Mode): readonly Direction[] {
  return mode === "full" ? ["backward", "forward"] : [mode];
}

/** What a change does to one direction. */
export type Effect =
  | { readonly breaking: false; readonly note?: string }
  | { readonly breaking: true; readonly why: string; readonly fix: string };

/** The kinds of rule, as `buf breaking` groups them. */
export type Category = "payload" | "version" | "task" | "queue" | "policy";

/**
 * Every rule `jobgen diff` applies, by id: its category and what it detects. The rules table of
 * docs/schema-evolution.md lists the same ids (a test holds them together).
 */
export const RULES = {
  TYPE_CHANGED: ["payload", "a value's type list gained or lost a type (integer ⊂ number)"],
  ENUM_VALUES_CHANGED: ["payload", "enum or const values added or removed, or enum added or removed"],
  PROPERTY_ADDED: ["payload", "a property declared under properties"],
  PROPERTY_REMOVED: ["payload", "a property no longer declared"],
  REQUIRED_CHANGED: ["payload", "a property became required or optional"],
  DEFAULT_CHANGED: ["payload", "a property's default added, removed or changed"],
  ADDITIONAL_PROPERTIES_CHANGED: ["payload", "additionalProperties opened, closed or changed"],
  BOUND_CHANGED: ["payload", "a string, number or array bound tightened or loosened"],
  MULTIPLE_OF_CHANGED: ["payload", "multipleOf added, removed or changed"],
  UNIQUE_ITEMS_CHANGED: ["payload", "uniqueItems added or removed"],
  PATTERN_CHANGED: ["payload", "pattern added, removed or changed"],
  FORMAT_CHANGED: ["payload", "format added, removed or changed"],
  REF_CHANGED: ["payload", "a $ref points to another shared type, or became inline"],
  COMBINATOR_CHANGED: ["payload", "oneOf/anyOf/allOf added, removed, or branches changed"],
  VERSION_CHANGED: ["version", "the payload version went up or down"],
  VERSION_DROPPED: ["version", "an earlier payload version is no longer kept"],
  TASK_ADDED: ["task", "a task type added"],
  TASK_REMOVED: ["task", "a task type removed"],
  TASK_RENAMED: ["task", "a task removed and one with the same payload added"],
  TASK_MOVED: ["task", "a task moved to a queue with another stream or group"],
  LIMIT_CHANGED: ["task", "maxPayloadSize or maxDepth lowered or raised"],
  PARTITION_KEY_CHANGED: ["task", "a task's partitionKey added, removed or changed"],
  QUEUE_ADDED: ["queue", "a queue added"],
  QUEUE_REMOVED: ["queue", "a queue removed"],
  QUEUE_CHANGED: ["queue", "a queue's stream, group or dead-letter stream changed"],
  PARTITIONS_CHANGED: ["queue", "a queue's partition count changed (refused: drain the queue first)"],
  POLICY_CHANGED: ["policy", "retries, timeout, backoff or maxLen changed"],
} as const satisfies Record<string, readonly [Category, string]>;

export type RuleId = keyof typeof RULES;

export interface Change {
  readonly rule: RuleId;
  /** The task's wire name; absent for queue changes. */
  readonly task?: string;
  /** Where the change is in the new file (the nearest node that still exists there). */
  readonly path: DocumentPath;
  /** What changed, in a few words. */
  readonly what: string;
  readonly backward: Effect;
  readonly forward: Effect;
}

export const SAFE: Effect = { breaking: false };

export function safe(note?: string): Effect {
  return note === undefined ? SAFE : { breaking: false, note };
}

export function breaking(why: string, fix: string): Effect {
  return { breaking: true, why, fix };
}

/** The category of a change's rule. */
export function categoryOf(change: Change): Category {
  return RULES[change.rule][0];
}

/** Whether a change breaks any direction of `mode`. */
export function breaksIn(change: Change, mode: Mode): boolean {
  return directionsOf(mode).some((direction) => change[direction].breaking);
}

/** The usual fix of a change that only breaks forward: the old workers must go before producers change. */
export const DEPLOY_WORKERS_FIRST = "deploy every worker before any producer";

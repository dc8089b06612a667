/**
 * What every payload rule (one file per family under rules/) gets from the walk over two payload
 * schemas (payload.ts): where it is, how to report a change, and how to go deeper. Rules call
 * {@link PayloadWalk.compare} to go deeper, never each other.
 */
import type { DocumentPath } from "../load/issue.js";
import type { JsonSchema, JsonType } from "../model/json-schema.js";
import { JSON_TYPES } from "../model/json-schema.js";
import type { Change, Effect, RuleId } from "./change.js";

/** Where a pair of nodes is: its path in the new file and its name in messages (`payload.to`). */
export interface At {
  readonly path: DocumentPath;
  readonly field: string;
}

/** One comparison of a task's old and new payload (or of one kept payload version). */
export interface PayloadWalk {
  readonly task: string;
  readonly oldTypes: ReadonlyMap<string, JsonSchema>;
  readonly newTypes: ReadonlyMap<string, JsonSchema>;
  /** The fix offered for a change that breaks backward (it names the next payload version). */
  readonly upcastFix: string;
  /** Compares two nodes (the dispatcher, for rules that nest). */
  readonly compare: (old: JsonSchema, next: JsonSchema, at: At) => void;
  /** Records a change of this task. */
  readonly report: (rule: RuleId, at: At, what: string, backward: Effect, forward: Effect) => void;
  /** Shared types compared already (`old→new` names), so a type used twice is reported once. */
  readonly seenRefs: Set<string>;
  /** Runs `run` on a scratch walk and returns what it found, without reporting it. */
  readonly probe: (run: (scratch: PayloadWalk) => void) => readonly Finding[];
}

/** A change as a probe returns it (the task is the walk's). */
export type Finding = Omit<Change, "task">;

/** Every type the node accepts: its `type` keyword, or all of them when it has none. */
export function typeSet(schema: JsonSchema): ReadonlySet<JsonType> {
  if (schema.type === undefined) return new Set(JSON_TYPES);
  return new Set(typeof schema.type === "string" ? [schema.type] : schema.type);
}

/** Whether a set of types accepts numbers with a fraction (`number`), or whole numbers only. */
export function acceptsFractions(types: ReadonlySet<JsonType>): boolean {
  return types.has("number");
}

/** Whether a node accepts every JSON value: no keyword but annotations. */
export function acceptsAnything(schema: JsonSchema): boolean {
  const annotations = new Set(["description", "default", "examples", "x-sensitive"]);
  return Object.keys(schema).every((key) => annotations.has(key));
}

/** JSON text of a value, short, for messages. */
export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Number keywords. The lower bound is the stricter of `minimum` and `exclusiveMinimum` (the upper
 * bound likewise); where only whole numbers are written, `exclusiveMinimum: 0` and `minimum: 1` are
 * the same bound. `multipleOf` is compared exactly on the decimals as written.
 */
import type { JsonSchema } from "../../model/json-schema.js";
import { breaking, DEPLOY_WORKERS_FIRST, SAFE, type Effect } from "../change.js";
import { isMultipleOf } from "@jobgen/runtime/contract";
import { acceptsFractions, typeSet, type At, type PayloadWalk } from "../walk.js";

interface Bound {
  readonly value: number;
  readonly exclusive: boolean;
}

type Side = "lower" | "upper";

export function compareNumbers(old: JsonSchema, next: JsonSchema, at: At, walk: PayloadWalk): void {
  for (const side of ["lower", "upper"] as const) compareBound(old, next, side, at, walk);
  compareMultipleOf(old, next, at, walk);
}

function compareBound(old: JsonSchema, next: JsonSchema, side: Side, at: At, walk: PayloadWalk): void {
  const [inclusive, exclusive] =
    side === "lower"
      ? (["minimum", "exclusiveMinimum"] as const)
      : (["maximum", "exclusiveMaximum"] as const);
  if (old[inclusive] === next[inclusive] && old[exclusive] === next[exclusive]) return;
  const wholeOld = !acceptsFractions(typeSet(old));
  const wholeNew = !acceptsFractions(typeSet(next));
  // Backward: the values written are the old schema's; forward: the new one's.
  const narrower = stricter(bound(next, side, wholeOld), bound(old, side, wholeOld), side);
  const wider = stricter(bound(old, side, wholeNew), bound(next, side, wholeNew), side);
  if (!narrower && !wider) return;
  const key =
    next[exclusive] !== undefined ? exclusive : next[inclusive] !== undefined ? inclusive : undefined;
  const outside = (schema: JsonSchema): string => {
    const limit = bound(schema, side, false);
    if (limit === undefined) return "any value";
    const relation = side === "lower" ? (limit.exclusive ? "≤" : "<") : limit.exclusive ? "≥" : ">";
    return `a value ${relation} ${limit.value}`;
  };
  walk.report(
    "BOUND_CHANGED",
    { ...at, path: [...at.path, ...(key === undefined ? [] : [key])] },
    `${at.field}: ${describe(old, inclusive, exclusive)} → ${describe(next, inclusive, exclusive)}`,
    narrower
      ? breaking(
          `an old task whose ${at.field} is ${outside(next)} is refused by new workers`,
          walk.upcastFix,
        )
      : SAFE,
    wider
      ? breaking(
          `a new task whose ${at.field} is ${outside(old)} is refused by old workers`,
          DEPLOY_WORKERS_FIRST,
        )
      : SAFE,
  );
}

/** The effective bound of one side; for whole numbers only, as an inclusive whole bound. */
function bound(schema: JsonSchema, side: Side, wholeNumbers: boolean): Bound | undefined {
  const candidates: Bound[] = [];
  const inclusive = side === "lower" ? schema.minimum : schema.maximum;
  const exclusive = side === "lower" ? schema.exclusiveMinimum : schema.exclusiveMaximum;
  if (inclusive !== undefined) candidates.push({ value: inclusive, exclusive: false });
  if (exclusive !== undefined) candidates.push({ value: exclusive, exclusive: true });
  const normalised = wholeNumbers ? candidates.map((b) => toWhole(b, side)) : candidates;
  return normalised.reduce<Bound | undefined>(
    (best, b) => (best === undefined || stricter(b, best, side) ? b : best),
    undefined,
  );
}

function toWhole(b: Bound, side: Side): Bound {
  if (side === "lower")
    return { value: b.exclusive ? Math.floor(b.value) + 1 : Math.ceil(b.value), exclusive: false };
  return { value: b.exclusive ? Math.ceil(b.value) - 1 : Math.floor(b.value), exclusive: false };
}

/** Whether bound `a` refuses a value `b` accepts. */
function stricter(a: Bound | undefined, b: Bound | undefined, side: Side): boolean {
  if (a === undefined) return false;
  if (b === undefined) return true;
  if (a.value !== b.value) return side === "lower" ? a.value > b.value : a.value < b.value;
  return a.exclusive && !b.exclusive;
}

function describe(schema: JsonSchema, inclusive: keyof JsonSchema, exclusive: keyof JsonSchema): string {
  const parts = [inclusive, exclusive]
    .filter((key) => schema[key] !== undefined)
    .map((key) => `${key} ${String(schema[key])}`);
  return parts.length === 0 ? "(no bound)" : parts.join(", ");
}

function compareMultipleOf(old: JsonSchema, next: JsonSchema, at: At, walk: PayloadWalk): void {
  if (old.multipleOf === next.multipleOf) return;
  const effect = (writer: JsonSchema, reader: JsonSchema, refuse: (why: string) => Effect): Effect => {
    const divisor = reader.multipleOf;
    if (divisor === undefined) return SAFE;
    if (writer.multipleOf !== undefined && isMultipleOf(writer.multipleOf, divisor)) return SAFE;
    if (!acceptsFractions(typeSet(writer)) && isMultipleOf(1, divisor)) return SAFE;
    return refuse(`is not a multiple of ${divisor}`);
  };
  walk.report(
    "MULTIPLE_OF_CHANGED",
    { ...at, path: [...at.path, ...(next.multipleOf === undefined ? [] : ["multipleOf"])] },
    `${at.field}: multipleOf ${old.multipleOf ?? "(none)"} → ${next.multipleOf ?? "(none)"}`,
    effect(old, next, (why) =>
      breaking(`an old task whose ${at.field} ${why} is refused by new workers`, walk.upcastFix),
    ),
    effect(next, old, (why) =>
      breaking(`a new task whose ${at.field} ${why} is refused by old workers`, DEPLOY_WORKERS_FIRST),
    ),
  );
}

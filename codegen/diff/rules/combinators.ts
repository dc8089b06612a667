/**
 * `oneOf`, `anyOf`, `allOf`. With as many branches on both sides, branches are compared in order
 * (sound: each old branch inside its new one keeps every old value valid). Otherwise a side is
 * covered when each of its branches fits inside some branch of the other. `oneOf` also needs its
 * branches to stay exclusive: jobgen proves that from disjoint types or a discriminating property
 * (a required property whose enum/const values differ); without a proof the change is breaking.
 * Adding a combinator only adds a constraint (narrows); removing one only widens.
 */
import { jsonEquals } from "@jobgen/runtime/contract";
import { REF_PATTERN, type JsonValue, type JsonSchema } from "../../model/json-schema.js";
import { breaking, DEPLOY_WORKERS_FIRST, SAFE, type Effect } from "../change.js";
import { typeSet, type At, type PayloadWalk } from "../walk.js";

type Combinator = "oneOf" | "anyOf" | "allOf";

export function compareCombinators(old: JsonSchema, next: JsonSchema, at: At, walk: PayloadWalk): void {
  for (const key of ["oneOf", "anyOf", "allOf"] as const) {
    const before = old[key];
    const after = next[key];
    if (before === undefined && after === undefined) continue;
    const where = { ...at, path: [...at.path, ...(after === undefined ? [] : [key])] };
    if (before === undefined || after === undefined) {
      walk.report(
        "COMBINATOR_CHANGED",
        where,
        `${at.field}: ${key} ${after === undefined ? "removed" : "added"}`,
        after === undefined
          ? SAFE
          : breaking(
              `an old task whose ${at.field} does not satisfy the new ${key} is refused by new workers`,
              walk.upcastFix,
            ),
        before === undefined
          ? SAFE
          : breaking(
              `a new task whose ${at.field} does not satisfy the old ${key} is refused by old workers`,
              DEPLOY_WORKERS_FIRST,
            ),
      );
      continue;
    }
    if (before.length === after.length) comparePairwise(key, before, after, at, walk);
    else compareCoverage(key, before, after, where, walk);
  }
}

function comparePairwise(
  key: Combinator,
  before: readonly JsonSchema[],
  after: readonly JsonSchema[],
  at: At,
  walk: PayloadWalk,
): void {
  const branchAt = (index: number): At => ({
    path: [...at.path, key, index],
    field: `${at.field} (${key} branch ${index + 1})`,
  });
  const found = walk.probe((scratch) =>
    before.forEach((branch, i) => scratch.compare(branch, after[i] ?? {}, branchAt(i))),
  );
  if (found.length === 0) return;
  before.forEach((branch, i) => walk.compare(branch, after[i] ?? {}, branchAt(i)));
  if (key === "oneOf") reportExclusivity(before, after, { ...at, path: [...at.path, key] }, walk);
}

function compareCoverage(
  key: Combinator,
  before: readonly JsonSchema[],
  after: readonly JsonSchema[],
  at: At,
  walk: PayloadWalk,
): void {
  const fits = (inner: JsonSchema, outer: JsonSchema, direction: "backward" | "forward"): boolean => {
    const [o, n] = direction === "backward" ? [inner, outer] : [outer, inner];
    return !walk
      .probe((scratch) => scratch.compare(o, n, { path: [], field: at.field }))
      .some((c) => c[direction].breaking);
  };
  // anyOf/oneOf: every written branch fits in a read one. allOf: every read branch holds for some written one.
  const covered = (direction: "backward" | "forward"): boolean => {
    const [written, read] = direction === "backward" ? [before, after] : [after, before];
    if (key === "allOf") return read.every((r) => written.some((w) => fits(w, r, direction)));
    return written.every((w) => read.some((r) => fits(w, r, direction)));
  };
  const effect = (direction: "backward" | "forward"): Effect => {
    const exclusive =
      key !== "oneOf" || provablyDisjoint(direction === "backward" ? after : before, walk, direction);
    if (covered(direction) && exclusive) return SAFE;
    const reason = covered(direction)
      ? `a value may match more than one of the ${direction === "backward" ? "new" : "old"} oneOf branches`
      : `not every ${direction === "backward" ? "old" : "new"} branch fits inside a ${direction === "backward" ? "new" : "old"} one`;
    return direction === "backward"
      ? breaking(`an old task's ${at.field} may be refused by new workers: ${reason}`, walk.upcastFix)
      : breaking(`a new task's ${at.field} may be refused by old workers: ${reason}`, DEPLOY_WORKERS_FIRST);
  };
  walk.report(
    "COMBINATOR_CHANGED",
    at,
    `${at.field}: ${key} ${before.length} → ${after.length} branches`,
    effect("backward"),
    effect("forward"),
  );
}

/** After a pairwise change of oneOf branches: the branches read must still exclude each other. */
function reportExclusivity(
  before: readonly JsonSchema[],
  after: readonly JsonSchema[],
  at: At,
  walk: PayloadWalk,
): void {
  const backward = provablyDisjoint(after, walk, "backward");
  const forward = provablyDisjoint(before, walk, "forward");
  if (backward && forward) return;
  const why = (side: string): string =>
    `a value may match more than one of the ${side} oneOf branches (jobgen cannot prove them exclusive)`;
  walk.report(
    "COMBINATOR_CHANGED",
    at,
    `${at.field}: oneOf branches changed`,
    backward
      ? SAFE
      : breaking(`an old task's ${at.field} may be refused by new workers: ${why("new")}`, walk.upcastFix),
    forward
      ? SAFE
      : breaking(
          `a new task's ${at.field} may be refused by old workers: ${why("old")}`,
          DEPLOY_WORKERS_FIRST,
        ),
  );
}

/** Whether no value can match two of the branches (judged from types and discriminating values). */
function provablyDisjoint(
  branches: readonly JsonSchema[],
  walk: PayloadWalk,
  direction: "backward" | "forward",
): boolean {
  const types = direction === "backward" ? walk.newTypes : walk.oldTypes;
  const resolve = (schema: JsonSchema): JsonSchema => {
    const name = schema.$ref === undefined ? undefined : REF_PATTERN.exec(schema.$ref)?.[1];
    return name === undefined ? schema : (types.get(name) ?? schema);
  };
  const resolved = branches.map(resolve);
  return resolved.every((a, i) => resolved.slice(i + 1).every((b) => disjoint(a, b, resolve)));
}

function disjoint(a: JsonSchema, b: JsonSchema, resolve: (schema: JsonSchema) => JsonSchema): boolean {
  const typesA = widen(typeSet(a));
  const typesB = widen(typeSet(b));
  if (![...typesA].some((type) => typesB.has(type))) return true;
  const valuesA = values(a);
  const valuesB = values(b);
  if (
    valuesA !== undefined &&
    valuesB !== undefined &&
    !valuesA.some((value) => valuesB.some((item) => jsonEquals(item, value)))
  )
    return true;
  // A discriminator: a property both require, whose listed values never meet.
  for (const name of a.required ?? []) {
    if (!(b.required ?? []).includes(name)) continue;
    const left = a.properties?.[name];
    const right = b.properties?.[name];
    if (left === undefined || right === undefined) continue;
    const l = values(resolve(left));
    const r = values(resolve(right));
    if (l !== undefined && r !== undefined && !l.some((value) => r.some((item) => jsonEquals(item, value)))) {
      return true;
    }
  }
  return false;
}

/** integer and number overlap: treat both as number. */
function widen(types: ReadonlySet<string>): Set<string> {
  return new Set([...types].map((type) => (type === "integer" ? "number" : type)));
}

function values(schema: JsonSchema): readonly JsonValue[] | undefined {
  return schema.enum ?? (schema.const === undefined ? undefined : [schema.const]);
}

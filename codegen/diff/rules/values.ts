/**
 * `enum` and `const`: the listed values decide what is accepted. A value taken out narrows, a value
 * added widens; an enum added or removed is checked value by value against the other side.
 */
import type { JsonValue, JsonSchema } from "../../model/json-schema.js";
import { jsonEquals } from "@jobgen/runtime/contract";
import { acceptsValue } from "../accepts.js";
import { breaking, DEPLOY_WORKERS_FIRST, SAFE, type Effect } from "../change.js";
import { show, typeSet, type At, type PayloadWalk } from "../walk.js";

/** Compares enum/const; returns `true` when they decided the pair (nothing else to compare). */
export function compareValues(old: JsonSchema, next: JsonSchema, at: At, walk: PayloadWalk): boolean {
  const oldValues = valuesOf(old);
  const newValues = valuesOf(next);
  if (oldValues === undefined && newValues === undefined) return false;
  const where = {
    ...at,
    path: [...at.path, next.enum !== undefined ? "enum" : next.const !== undefined ? "const" : "type"],
  };
  const what = `${at.field}: ${describe(old)} → ${describe(next)}`;
  const backward = narrowing(oldValues, newValues, old, next, walk.newTypes, (values) =>
    breaking(`an old task whose ${at.field} is ${values} is refused by new workers`, walk.upcastFix),
  );
  const forward = narrowing(newValues, oldValues, next, old, walk.oldTypes, (values) =>
    breaking(`a new task whose ${at.field} is ${values} is refused by old workers`, DEPLOY_WORKERS_FIRST),
  );
  if (backward !== SAFE || forward !== SAFE || !sameValues(oldValues, newValues)) {
    walk.report("ENUM_VALUES_CHANGED", where, what, backward, forward);
  }
  return true;
}

/**
 * The effect on readers of `readerSchema` of tasks written under `writerSchema`: SAFE, or
 * `refuse(values)` naming the written values the reader refuses.
 */
function narrowing(
  writerValues: readonly JsonValue[] | undefined,
  readerValues: readonly JsonValue[] | undefined,
  writerSchema: JsonSchema,
  readerSchema: JsonSchema,
  readerTypes: ReadonlyMap<string, JsonSchema>,
  refuse: (values: string) => Effect,
): Effect {
  const written = writerValues ?? finiteValues(writerSchema);
  if (written === undefined) {
    // The writer accepts unboundedly many values; a reader with a list refuses all others.
    return readerValues === undefined ? SAFE : refuse(`anything but ${readerValues.map(show).join(", ")}`);
  }
  const refused: string[] = [];
  for (const value of written) {
    const verdict =
      readerValues !== undefined
        ? readerValues.some((item) => jsonEquals(item, value))
        : acceptsValue(readerSchema, value, readerTypes);
    if (verdict === false) refused.push(show(value));
    else if (verdict !== true) refused.push(`${show(value)} (undecided: ${verdict.undecided})`);
  }
  return refused.length === 0 ? SAFE : refuse(refused.join(", "));
}

function valuesOf(schema: JsonSchema): readonly JsonValue[] | undefined {
  if (schema.enum !== undefined) return schema.enum;
  if (schema.const !== undefined) return [schema.const];
  return undefined;
}

/** The values of a schema that only accepts true, false and/or null; `undefined` when unbounded. */
function finiteValues(schema: JsonSchema): JsonValue[] | undefined {
  const types = typeSet(schema);
  if ([...types].some((type) => type !== "boolean" && type !== "null")) return undefined;
  return [...(types.has("boolean") ? [true, false] : []), ...(types.has("null") ? [null] : [])];
}

function sameValues(a: readonly JsonValue[] | undefined, b: readonly JsonValue[] | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.length === b.length &&
    a.every((value) => b.some((item) => jsonEquals(item, value)))
  );
}

function describe(schema: JsonSchema): string {
  if (schema.enum !== undefined) return `enum [${schema.enum.map(show).join(", ")}]`;
  if (schema.const !== undefined) return `const ${show(schema.const)}`;
  return "no enum";
}

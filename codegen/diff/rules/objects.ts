/**
 * Object keywords: `properties`, `required`, `default` and `additionalProperties`, judged per
 * property name. Tasks are stored complete: a jobgen producer fills defaults before it writes, so
 * a property that is required or has a default is always on a stored task, and a worker fills a
 * missing defaulted property before validating. An undeclared name is governed by
 * `additionalProperties`: an open object (absent or `true`) may already carry any name with any value.
 */
import type { JsonSchema } from "../../model/json-schema.js";
import { breaking, DEPLOY_WORKERS_FIRST, SAFE, type Effect } from "../change.js";
import { acceptsAnything, show, type At, type PayloadWalk } from "../walk.js";

/** What a name holds: its declared schema, or what additionalProperties allows (`true`: anything). */
type Slot = JsonSchema | boolean;

/** Whether a task written under a schema carries the name: always, maybe, or never. */
type Presence = "always" | "maybe" | "never";

export function compareObjects(old: JsonSchema, next: JsonSchema, at: At, walk: PayloadWalk): void {
  const names = [
    ...new Set([...Object.keys(old.properties ?? {}), ...Object.keys(next.properties ?? {})]),
  ].sort();
  for (const name of names) compareProperty(old, next, name, at, walk);
  compareAdditional(old, next, at, walk);
}

function compareProperty(old: JsonSchema, next: JsonSchema, name: string, at: At, walk: PayloadWalk): void {
  const before = declared(old, name);
  const after = declared(next, name);
  const field = `${at.field}.${name}`;
  const here = { path: [...at.path, "properties", ...(after === undefined ? [] : [name])], field };
  if (before !== undefined && after !== undefined) {
    const requiredChanged = isRequired(old, name) !== isRequired(next, name);
    if (requiredChanged) {
      walk.report(
        "REQUIRED_CHANGED",
        { ...here, path: [...at.path, "required"] },
        `${field} is now ${isRequired(next, name) ? "required" : "optional"}${defaultNote(after)}`,
        presenceEffect(old, next, name, field, "backward", walk),
        presenceEffect(next, old, name, field, "forward", walk),
      );
    }
    if (JSON.stringify(before.default) !== JSON.stringify(after.default)) {
      walk.report(
        "DEFAULT_CHANGED",
        { ...here, path: [...here.path, ...(after.default === undefined ? [] : ["default"])] },
        `${field}: default ${before.default === undefined ? "(none)" : show(before.default)} → ${after.default === undefined ? "(none)" : show(after.default)}`,
        combine(
          requiredChanged ? SAFE : presenceEffect(old, next, name, field, "backward", walk),
          defaultNoteEffect(before, after, field),
        ),
        requiredChanged ? SAFE : presenceEffect(next, old, name, field, "forward", walk),
      );
    }
    walk.compare(before, after, here);
    return;
  }
  const added = after !== undefined;
  walk.report(
    added ? "PROPERTY_ADDED" : "PROPERTY_REMOVED",
    here,
    added
      ? `${field} added${isRequired(next, name) ? " as required" : ""}${defaultNote(after)}`
      : `${field} removed`,
    combine(
      presenceEffect(old, next, name, field, "backward", walk),
      valueEffect(old, next, name, field, "backward", walk),
    ),
    combine(
      presenceEffect(next, old, name, field, "forward", walk),
      valueEffect(next, old, name, field, "forward", walk),
    ),
  );
}

/** Whether the writer's tasks may lack the name where the reader requires it. */
function presenceEffect(
  writer: JsonSchema,
  reader: JsonSchema,
  name: string,
  field: string,
  direction: "backward" | "forward",
  walk: PayloadWalk,
): Effect {
  if (presence(writer, name) === "always" || !readerRequires(reader, name)) return SAFE;
  return direction === "backward"
    ? breaking(
        `an old task that lacks ${field} is refused by new workers`,
        `give ${field} a default, or ${walk.upcastFix}`,
      )
    : breaking(`a new task that lacks ${field} is refused by old workers`, DEPLOY_WORKERS_FIRST);
}

/** Whether a value the writer may put under the name is refused by the reader. */
function valueEffect(
  writer: JsonSchema,
  reader: JsonSchema,
  name: string,
  field: string,
  direction: "backward" | "forward",
  walk: PayloadWalk,
): Effect {
  if (presence(writer, name) === "never") return SAFE;
  const who = direction === "backward" ? "an old task" : "a new task";
  const by = direction === "backward" ? "new workers" : "old workers";
  const fix = direction === "backward" ? walk.upcastFix : DEPLOY_WORKERS_FIRST;
  const written = slot(writer, name);
  const read = slot(reader, name);
  if (read === true || (typeof read === "object" && acceptsAnything(read))) return SAFE;
  if (read === false) {
    return breaking(
      `${who} that carries ${field} is refused by ${by} (additionalProperties: false)`,
      direction === "backward"
        ? `keep ${field} declared until no queued task carries it, or ${walk.upcastFix}`
        : fix,
    );
  }
  if (written === true) {
    return breaking(
      `${who} may carry ${field} with any value (the object is open), and ${by} check it against its schema now`,
      direction === "backward"
        ? `close the object (additionalProperties: false) before adding properties, or ${walk.upcastFix}`
        : fix,
    );
  }
  if (written === false) return SAFE;
  const found = walk.probe((scratch) => scratch.compare(written, read, { path: [], field }));
  const broken = found.find((change) => change[direction].breaking);
  if (broken === undefined) return SAFE;
  const effect = broken[direction];
  return effect.breaking ? breaking(effect.why, effect.fix) : SAFE;
}

function compareAdditional(old: JsonSchema, next: JsonSchema, at: At, walk: PayloadWalk): void {
  const before = old.additionalProperties ?? true;
  const after = next.additionalProperties ?? true;
  const field = `${at.field}.*`;
  const where = {
    path: [...at.path, ...(next.additionalProperties === undefined ? [] : ["additionalProperties"])],
    field,
  };
  if (typeof before === "object" && typeof after === "object") {
    walk.compare(before, after, where);
    return;
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  const effect = (writer: Slot, reader: Slot, direction: "backward" | "forward"): Effect => {
    if (writer === false || reader === true) return SAFE;
    if (typeof reader === "object" && acceptsAnything(reader)) return SAFE;
    const who = direction === "backward" ? "an old task" : "a new task";
    const by = direction === "backward" ? "new workers" : "old workers";
    const fix = direction === "backward" ? walk.upcastFix : DEPLOY_WORKERS_FIRST;
    if (reader === false)
      return breaking(`${who} that carries a property not declared in ${at.field} is refused by ${by}`, fix);
    return breaking(`${who} may carry undeclared properties in ${at.field} that ${by} refuse`, fix);
  };
  walk.report(
    "ADDITIONAL_PROPERTIES_CHANGED",
    where,
    `${at.field}: additionalProperties ${describe(old)} → ${describe(next)}`,
    effect(before, after, "backward"),
    effect(after, before, "forward"),
  );
}

function declared(schema: JsonSchema, name: string): JsonSchema | undefined {
  const properties = schema.properties;
  return properties !== undefined && Object.hasOwn(properties, name) ? properties[name] : undefined;
}

function isRequired(schema: JsonSchema, name: string): boolean {
  return schema.required?.includes(name) === true;
}

function hasDefault(schema: JsonSchema, name: string): boolean {
  return declared(schema, name)?.default !== undefined;
}

function presence(schema: JsonSchema, name: string): Presence {
  if (declared(schema, name) === undefined) return schema.additionalProperties === false ? "never" : "maybe";
  return isRequired(schema, name) || hasDefault(schema, name) ? "always" : "maybe";
}

/** A reader refuses a task without the name only when it is required and has no default to fill in. */
function readerRequires(schema: JsonSchema, name: string): boolean {
  return isRequired(schema, name) && !hasDefault(schema, name);
}

function slot(schema: JsonSchema, name: string): Slot {
  return declared(schema, name) ?? schema.additionalProperties ?? true;
}

function combine(a: Effect, b: Effect): Effect {
  return a.breaking ? a : b;
}

function defaultNote(schema: JsonSchema | undefined): string {
  return schema?.default === undefined ? "" : ` (default ${show(schema.default)})`;
}

function defaultNoteEffect(before: JsonSchema, after: JsonSchema, field: string): Effect {
  if (before.default === undefined || after.default === undefined) return SAFE;
  return {
    breaking: false,
    note: `tasks stored from now on carry ${field} = ${show(after.default)}; queued tasks keep the value they were stored with`,
  };
}

function describe(schema: JsonSchema): string {
  const value = schema.additionalProperties;
  return value === undefined ? "(open)" : typeof value === "boolean" ? String(value) : "(a schema)";
}

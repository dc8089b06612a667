/**
 * The fingerprint of a payload schema, written on every entry as `payload_schema`: 8 hex digits of
 * the sha256 of the schema's canonical JSON, shared types inlined and annotations (description,
 * examples, x-sensitive) left out. Two schemas that validate alike in every keyword get the same
 * fingerprint, so a worker that refuses a payload can tell whether its producer ran another schema.
 */
import { createHash } from "node:crypto";
import { REF_PATTERN, type JsonSchema } from "./json-schema.js";
import { mapSchema } from "./schema-walk.js";

export function payloadFingerprint(schema: JsonSchema, types: ReadonlyMap<string, JsonSchema>): string {
  return createHash("sha256")
    .update(canonical(essence(schema, types)))
    .digest("hex")
    .slice(0, 8);
}

/** The schema without annotations, every `$ref` replaced by its shared type (recursive refs are refused earlier). */
function essence(schema: JsonSchema, types: ReadonlyMap<string, JsonSchema>): JsonSchema {
  return mapSchema(schema, (node) => {
    const { description: _description, examples: _examples, "x-sensitive": _sensitive, ...rest } = node;
    const name = rest.$ref === undefined ? undefined : REF_PATTERN.exec(rest.$ref)?.[1];
    const target = name === undefined ? undefined : types.get(name);
    if (target === undefined) return rest;
    const { $ref: _ref, ...siblings } = rest;
    return { ...essence(target, types), ...siblings };
  });
}

/** JSON text with the keys of every object sorted. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(",")}}`;
}

/**
 * A suite schema as a jobgen task payload, with the same meaning:
 * - `$schema` naming draft 2020-12 at the root is dropped: the dialect is the one jobgen reads;
 * - `$comment` is dropped: it has no effect on validation (draft 2020-12 core §8.3), and jobgen
 *   takes comments in YAML;
 * - a (sub)schema that uses a type-specific keyword (`minLength`, `maximum`, `properties`, ...)
 *   without `type` gets `type: [null, boolean, object, array, number, string]`. JSON Schema
 *   applies such a keyword to its own kind of value and accepts every other value, which is what
 *   that list says; jobgen asks for the type to be written, so the generated TypeScript type is
 *   what the author meant.
 * Everything else is left as it is, for the generator to honour or refuse.
 */
import { JSON_SCHEMA_DIALECT } from "../../codegen/emit/schema-json.js";
import { TYPE_OF_KEYWORDS } from "../../codegen/model/json-schema.js";
import { JsonObject, type LosslessJson } from "./lossless-json.js";

/** Every JSON type; `integer` is within `number`. */
const ANY_TYPE: readonly LosslessJson[] = ["null", "boolean", "object", "array", "number", "string"];

const TYPED_KEYWORDS: ReadonlySet<string> = new Set(TYPE_OF_KEYWORDS.flatMap(([keywords]) => keywords));

/** Positions where jobgen reads a schema: one schema, a list of them, or a map of them. */
const ONE_SCHEMA = new Set(["items", "additionalProperties"]);
const SCHEMA_LIST = new Set(["allOf", "anyOf", "oneOf"]);
const SCHEMA_MAP = new Set(["properties"]);

/** The payload schema for a suite schema. */
export function payloadOf(schema: LosslessJson): LosslessJson {
  if (!(schema instanceof JsonObject)) return schema;
  const root = new JsonObject(
    schema.members.filter(([name, value]) => !(name === "$schema" && value === JSON_SCHEMA_DIALECT)),
  );
  return withTypes(root);
}

function withTypes(schema: LosslessJson): LosslessJson {
  if (!(schema instanceof JsonObject)) return schema;
  const members = schema.members
    .filter(([name]) => name !== "$comment")
    .map(([name, value]): [string, LosslessJson] => {
      if (ONE_SCHEMA.has(name)) return [name, withTypes(value)];
      if (SCHEMA_LIST.has(name) && Array.isArray(value)) {
        return [name, (value as readonly LosslessJson[]).map(withTypes)];
      }
      if (SCHEMA_MAP.has(name) && value instanceof JsonObject) {
        return [name, new JsonObject(value.members.map(([key, child]) => [key, withTypes(child)]))];
      }
      return [name, value];
    });
  const typed = members.some(([name]) => TYPED_KEYWORDS.has(name));
  return new JsonObject(typed && !schema.has("type") ? [["type", ANY_TYPE], ...members] : members);
}

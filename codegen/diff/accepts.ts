/**
 * Whether a schema accepts one value (an enum or const value of the other schema). The answer is
 * `true`, `false`, or why it cannot be decided here: formats, and the object and array keywords
 * on an object or array value, are left to the generated validators.
 */
import { isMultipleOf, jsonEquals } from "@jobgen/runtime/contract";
import { REF_PATTERN, type JsonSchema, type JsonValue } from "../model/json-schema.js";
import { typeSet } from "./walk.js";

export type Acceptance = boolean | { readonly undecided: string };

export function acceptsValue(
  schema: JsonSchema,
  value: JsonValue,
  types: ReadonlyMap<string, JsonSchema>,
): Acceptance {
  const checks: Acceptance[] = [];
  if (schema.$ref !== undefined) {
    const target = types.get(REF_PATTERN.exec(schema.$ref)?.[1] ?? "");
    checks.push(target === undefined ? false : acceptsValue(target, value, types));
  }
  if (schema.enum !== undefined) checks.push(schema.enum.some((item) => jsonEquals(item, value)));
  if (schema.const !== undefined) checks.push(jsonEquals(schema.const, value));
  checks.push(matchesTypes(schema, value));
  if (typeof value === "string") checks.push(...stringChecks(schema, value));
  if (typeof value === "number") checks.push(...numberChecks(schema, value));
  if (typeof value === "object" && value !== null && CONTAINER_KEYWORDS.some((key) => key in schema)) {
    checks.push({
      undecided: `whether ${JSON.stringify(value)} meets the object and array keywords is not checked by jobgen diff`,
    });
  }
  for (const branches of [schema.allOf, schema.anyOf, schema.oneOf]) {
    if (branches === undefined) continue;
    const results = branches.map((branch) => acceptsValue(branch, value, types));
    const undecided = results.find((result) => typeof result === "object");
    if (branches === schema.allOf) checks.push(...results);
    else if (undecided !== undefined) checks.push(undecided);
    else {
      const matched = results.filter((result) => result === true).length;
      checks.push(branches === schema.anyOf ? matched > 0 : matched === 1);
    }
  }
  if (checks.includes(false)) return false;
  return checks.find((check) => typeof check === "object") ?? true;
}

/** Keywords on objects and arrays, which the diff does not evaluate on a value. */
const CONTAINER_KEYWORDS = [
  "properties",
  "required",
  "additionalProperties",
  "items",
  "minItems",
  "maxItems",
  "uniqueItems",
] as const;

function matchesTypes(schema: JsonSchema, value: JsonValue): boolean {
  const types = typeSet(schema);
  if (value === null) return types.has("null");
  if (Array.isArray(value)) return types.has("array");
  if (typeof value === "object") return types.has("object");
  if (typeof value === "string") return types.has("string");
  if (typeof value === "boolean") return types.has("boolean");
  return types.has("number") || (types.has("integer") && Number.isInteger(value));
}

function stringChecks(schema: JsonSchema, value: string): Acceptance[] {
  const length = Array.from(value).length;
  const checks: Acceptance[] = [];
  if (schema.minLength !== undefined) checks.push(length >= schema.minLength);
  if (schema.maxLength !== undefined) checks.push(length <= schema.maxLength);
  if (schema.pattern !== undefined) checks.push(new RegExp(schema.pattern, "u").test(value));
  if (schema.format !== undefined) {
    checks.push({
      undecided: `whether ${JSON.stringify(value)} is a valid ${schema.format} is not checked by jobgen diff`,
    });
  }
  return checks;
}

function numberChecks(schema: JsonSchema, value: number): Acceptance[] {
  const checks: Acceptance[] = [];
  if (schema.minimum !== undefined) checks.push(value >= schema.minimum);
  if (schema.exclusiveMinimum !== undefined) checks.push(value > schema.exclusiveMinimum);
  if (schema.maximum !== undefined) checks.push(value <= schema.maximum);
  if (schema.exclusiveMaximum !== undefined) checks.push(value < schema.exclusiveMaximum);
  if (schema.multipleOf !== undefined) checks.push(isMultipleOf(value, schema.multipleOf));
  return checks;
}

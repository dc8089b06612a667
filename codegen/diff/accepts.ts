/**
 * Whether a schema accepts one scalar value (an enum or const value of the other schema). The
 * answer is `true`, `false`, or why it cannot be decided here (formats are checked by the
 * generated validators, not by the diff).
 */
import { REF_PATTERN, type JsonPrimitive, type JsonSchema } from "../model/json-schema.js";
import { isMultipleOf } from "./decimal.js";
import { typeSet } from "./walk.js";

export type Acceptance = boolean | { readonly undecided: string };

export function acceptsValue(
  schema: JsonSchema,
  value: JsonPrimitive,
  types: ReadonlyMap<string, JsonSchema>,
): Acceptance {
  const checks: Acceptance[] = [];
  if (schema.$ref !== undefined) {
    const target = types.get(REF_PATTERN.exec(schema.$ref)?.[1] ?? "");
    checks.push(target === undefined ? false : acceptsValue(target, value, types));
  }
  if (schema.enum !== undefined) checks.push(schema.enum.some((item) => item === value));
  if (schema.const !== undefined) checks.push(schema.const === value);
  checks.push(matchesTypes(schema, value));
  if (typeof value === "string") checks.push(...stringChecks(schema, value));
  if (typeof value === "number") checks.push(...numberChecks(schema, value));
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

function matchesTypes(schema: JsonSchema, value: JsonPrimitive): boolean {
  const types = typeSet(schema);
  if (value === null) return types.has("null");
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

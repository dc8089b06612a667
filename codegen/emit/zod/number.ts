import type { JsonSchema } from "../../model/json-schema.js";
import { literal } from "../literal.js";

/**
 * `type: number | integer` with minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf.
 * Integers are any whole number (as JSON Schema has it), not only safe integers as `z.int()`.
 */
export function numberSchema(schema: JsonSchema, integer: boolean): string {
  let code = "z.number()";
  if (integer) code += `.refine(Number.isInteger, { error: "Expected an integer" })`;
  if (schema.minimum !== undefined) code += `.gte(${literal(schema.minimum)})`;
  if (schema.exclusiveMinimum !== undefined) code += `.gt(${literal(schema.exclusiveMinimum)})`;
  if (schema.maximum !== undefined) code += `.lte(${literal(schema.maximum)})`;
  if (schema.exclusiveMaximum !== undefined) code += `.lt(${literal(schema.exclusiveMaximum)})`;
  if (schema.multipleOf !== undefined) code += `.multipleOf(${literal(schema.multipleOf)})`;
  return code;
}

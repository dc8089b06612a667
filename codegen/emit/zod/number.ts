import type { JsonSchema } from "../../model/json-schema.js";
import { call, type Doc } from "../layout.js";
import { literal } from "../literal.js";

/**
 * `type: number | integer` with minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf.
 * Integers are any whole number (as JSON Schema has it), not only safe integers as `z.int()`.
 */
export function numberSchema(schema: JsonSchema, integer: boolean): Doc[] {
  const chain: Doc[] = ["z.number()"];
  if (integer) chain.push(call(".refine", ["Number.isInteger", '{ error: "Expected an integer" }']));
  const bounds = [
    ["minimum", ".gte"],
    ["exclusiveMinimum", ".gt"],
    ["maximum", ".lte"],
    ["exclusiveMaximum", ".lt"],
    ["multipleOf", ".multipleOf"],
  ] as const;
  for (const [keyword, method] of bounds) {
    const value = schema[keyword];
    if (value !== undefined) chain.push(call(method, [literal(value)]));
  }
  return chain;
}

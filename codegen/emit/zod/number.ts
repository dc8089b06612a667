import type { JsonSchema } from "../../model/json-schema.js";
import { call, type Doc } from "../layout.js";
import { literal } from "../literal.js";
import type { ZodContext } from "./context.js";

/**
 * `type: number | integer` with minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf.
 * Integers are any whole number (as JSON Schema has it), not only safe integers as `z.int()`;
 * multipleOf is exact on the decimal values (the runtime's isMultipleOf), where zod's is not.
 */
export function numberSchema(schema: JsonSchema, integer: boolean, context: ZodContext): Doc[] {
  const chain: Doc[] = ["z.number()"];
  if (integer) chain.push(call(".refine", ["Number.isInteger", '{ error: "Expected an integer" }']));
  const bounds = [
    ["minimum", ".gte"],
    ["exclusiveMinimum", ".gt"],
    ["maximum", ".lte"],
    ["exclusiveMaximum", ".lt"],
  ] as const;
  for (const [keyword, method] of bounds) {
    const value = schema[keyword];
    if (value !== undefined) chain.push(call(method, [literal(value)]));
  }
  if (schema.multipleOf !== undefined) {
    context.helpers.add("isMultipleOf");
    const divisor = literal(schema.multipleOf);
    chain.push(
      call(".refine", [
        `(value) => isMultipleOf(value, ${divisor})`,
        `{ error: ${literal(`Invalid number: must be a multiple of ${divisor}`)} }`,
      ]),
    );
  }
  return chain;
}

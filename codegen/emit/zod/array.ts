import type { JsonSchema } from "../../model/json-schema.js";
import { call, type Doc } from "../layout.js";
import { literal } from "../literal.js";
import type { ZodContext } from "./context.js";

/** `type: array` with items, minItems, maxItems, uniqueItems (deep equality of JSON values). */
export function arraySchema(schema: JsonSchema, context: ZodContext): Doc[] {
  const chain: Doc[] = [
    call("z.array", [schema.items === undefined ? "z.unknown()" : context.transform(schema.items)]),
  ];
  if (schema.minItems !== undefined) chain.push(call(".min", [literal(schema.minItems)]));
  if (schema.maxItems !== undefined) chain.push(call(".max", [literal(schema.maxItems)]));
  if (schema.uniqueItems === true) {
    context.helpers.add("hasUniqueItems");
    chain.push(call(".refine", ["hasUniqueItems", '{ error: "Items must be unique" }']));
  }
  return chain;
}

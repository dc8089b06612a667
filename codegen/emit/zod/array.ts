import type { JsonSchema } from "../../model/json-schema.js";
import { literal } from "../literal.js";
import type { ZodContext } from "./context.js";

/** `type: array` with items, minItems, maxItems, uniqueItems (deep equality of JSON values). */
export function arraySchema(schema: JsonSchema, context: ZodContext): string {
  let code = `z.array(${schema.items === undefined ? "z.unknown()" : context.transform(schema.items)})`;
  if (schema.minItems !== undefined) code += `.min(${literal(schema.minItems)})`;
  if (schema.maxItems !== undefined) code += `.max(${literal(schema.maxItems)})`;
  if (schema.uniqueItems === true) {
    context.helpers.add("hasUniqueItems");
    code += `.refine(hasUniqueItems, { error: "Items must be unique" })`;
  }
  return code;
}

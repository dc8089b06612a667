import { REF_PATTERN, type JsonSchema, type JsonType } from "../../model/json-schema.js";
import { typeValidatorName } from "../../model/naming.js";
import { concat, type Doc } from "../layout.js";
import { arraySchema } from "./array.js";
import { allOfSchema, anyOfSchema, intersect, oneOfSchema, union } from "./combinators.js";
import type { HelperName, ZodContext } from "./context.js";
import { numberSchema } from "./number.js";
import { objectSchema } from "./object.js";
import { stringSchema } from "./string.js";
import { valuesSchema } from "./values.js";

/**
 * Builds the zod expression equivalent to a checked JSON Schema. Every part the schema
 * contributes (type, enum/const, $ref, oneOf, anyOf, allOf) must hold, so the parts are intersected.
 */
export function zodExpression(schema: JsonSchema, helpers: Set<HelperName>): Doc {
  const context: ZodContext = { helpers, transform: (child) => zodExpression(child, helpers) };
  const parts: Doc[] = [];
  if (schema.enum !== undefined) parts.push(valuesSchema(schema.enum, context));
  else if (schema.const !== undefined) parts.push(valuesSchema([schema.const], context));
  else if (schema.type !== undefined) parts.push(typeSchema(schema, context));
  if (schema.$ref !== undefined) {
    const name = REF_PATTERN.exec(schema.$ref)?.[1];
    if (name === undefined) throw new Error(`unchecked $ref ${schema.$ref}`);
    parts.push(typeValidatorName(name));
  }
  if (schema.oneOf !== undefined) parts.push(oneOfSchema(schema.oneOf, context));
  if (schema.anyOf !== undefined) parts.push(anyOfSchema(schema.anyOf, context));
  if (schema.allOf !== undefined) parts.push(allOfSchema(schema.allOf, context));
  return parts.length === 0 ? "z.unknown()" : intersect(parts);
}

/** `type` (one or a list, e.g. `[string, "null"]`), each member with the keywords of its kind. */
function typeSchema(schema: JsonSchema, context: ZodContext): Doc {
  const types: readonly JsonType[] = typeof schema.type === "string" ? [schema.type] : (schema.type ?? []);
  const members = types.filter((type) => type !== "null").map((type) => singleType(type, schema, context));
  const nullable = types.includes("null");
  if (members.length === 0) return "z.null()";
  const base = union("z.union", members);
  return nullable ? concat(base, ".nullable()") : base;
}

function singleType(type: Exclude<JsonType, "null">, schema: JsonSchema, context: ZodContext): Doc {
  switch (type) {
    case "string":
      return concat(...stringSchema(schema, context));
    case "number":
      return concat(...numberSchema(schema, false, context));
    case "integer":
      return concat(...numberSchema(schema, true, context));
    case "boolean":
      return "z.boolean()";
    case "object":
      return concat(...objectSchema(schema, context));
    case "array":
      return concat(...arraySchema(schema, context));
  }
}

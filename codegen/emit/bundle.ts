import { REF_PATTERN, type JsonSchema } from "../model/json-schema.js";

/** Rewrites `#/types/X` references to `#/$defs/X` throughout a schema (schema positions only). */
export function rewriteRefs(schema: JsonSchema): JsonSchema {
  const copy: Record<string, unknown> = { ...schema };
  if (schema.$ref !== undefined) copy.$ref = `#/$defs/${REF_PATTERN.exec(schema.$ref)?.[1] ?? ""}`;
  if (schema.properties !== undefined) {
    copy.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([name, child]) => [name, rewriteRefs(child)]),
    );
  }
  if (schema.items !== undefined) copy.items = rewriteRefs(schema.items);
  if (typeof schema.additionalProperties === "object")
    copy.additionalProperties = rewriteRefs(schema.additionalProperties);
  for (const key of ["oneOf", "anyOf", "allOf"] as const) {
    const branches = schema[key];
    if (branches !== undefined) copy[key] = branches.map(rewriteRefs);
  }
  return copy as JsonSchema;
}

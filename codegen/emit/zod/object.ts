import type { JsonSchema } from "../../model/json-schema.js";
import { literal } from "../literal.js";
import type { ZodContext } from "./context.js";

/**
 * `type: object` with properties, required and additionalProperties: `false` → strictObject
 * (extra keys rejected), a schema → catchall (extra keys validated), absent/`true` → looseObject
 * (extra keys kept as they are, as JSON Schema allows them).
 */
export function objectSchema(schema: JsonSchema, context: ZodContext): string {
  const required = new Set(schema.required ?? []);
  const entries = Object.keys(schema.properties ?? {})
    .sort()
    .map((name) => {
      const property = schema.properties?.[name] ?? {};
      const value = context.transform(property);
      return `${literal(name)}: ${required.has(name) ? value : `${value}.optional()`}`;
    });
  const shape = `{ ${entries.join(", ")} }`;
  const extra = schema.additionalProperties;
  if (extra === false) return `z.strictObject(${shape})`;
  if (extra === undefined || extra === true) return `z.looseObject(${shape})`;
  return `z.object(${shape}).catchall(${context.transform(extra)})`;
}

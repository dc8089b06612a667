import type { JsonSchema } from "../../model/json-schema.js";
import { call, concat, objectDoc, type Doc } from "../layout.js";
import { literal } from "../literal.js";
import type { ZodContext } from "./context.js";

/**
 * `type: object` with properties, required and additionalProperties: `false` → strictObject
 * (extra keys rejected), a schema → catchall (extra keys validated), absent/`true` → looseObject
 * (extra keys kept as they are, as JSON Schema allows them). Keys are emitted as string literals.
 */
export function objectSchema(schema: JsonSchema, context: ZodContext): Doc[] {
  const required = new Set(schema.required ?? []);
  const shape = objectDoc(
    Object.keys(schema.properties ?? {})
      .sort()
      .map((name) => {
        const value = context.transform(schema.properties?.[name] ?? {});
        return [literal(name), required.has(name) ? value : concat(value, ".optional()")] as const;
      }),
  );
  const extra = schema.additionalProperties;
  if (extra === false) return [call("z.strictObject", [shape])];
  if (extra === undefined || extra === true) return [call("z.looseObject", [shape])];
  return [call("z.object", [shape]), call(".catchall", [context.transform(extra)])];
}

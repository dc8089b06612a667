import type { JsonSchema } from "../../model/json-schema.js";
import { INHERITED_MEMBERS } from "../../model/naming.js";
import { call, concat, objectDoc, type Doc } from "../layout.js";
import { literal } from "../literal.js";
import type { ZodContext } from "./context.js";

/**
 * `type: object` with properties, required and additionalProperties: `false` → strictObject
 * (extra keys rejected), a schema → catchall (extra keys validated), absent/`true` → looseObject
 * (extra keys kept as they are, as JSON Schema allows them). Keys are emitted as string literals.
 * A property with a `default` is filled in when absent (`.default`), required or not: its output is
 * always present. An object with a property named like a member every object inherits (`toString`,
 * `valueOf`, ...) is read through a copy without a prototype, so only its own properties count.
 */
export function objectSchema(schema: JsonSchema, context: ZodContext): Doc[] {
  const required = new Set(schema.required ?? []);
  const shape = objectDoc(
    Object.keys(schema.properties ?? {})
      .sort()
      .map((name) => {
        const property = schema.properties?.[name] ?? {};
        const value = context.transform(property);
        if (property.default !== undefined)
          return [literal(name), concat(value, defaultCall(property.default))] as const;
        return [literal(name), required.has(name) ? value : concat(value, ".optional()")] as const;
      }),
  );
  const extra = schema.additionalProperties;
  const chain =
    extra === false
      ? [call("z.strictObject", [shape])]
      : extra === undefined || extra === true
        ? [call("z.looseObject", [shape])]
        : [call("z.object", [shape]), call(".catchall", [context.transform(extra)])];
  const inherited = Object.keys(schema.properties ?? {}).some((name) => INHERITED_MEMBERS.has(name));
  return inherited ? [call("z.preprocess", [OWN_PROPERTIES_ONLY, concat(...chain)])] : chain;
}

/** A plain object copied without a prototype (other values as they are): zod then reads own properties only. */
const OWN_PROPERTIES_ONLY =
  '(value) => value !== null && typeof value === "object" && !Array.isArray(value) ? Object.assign(Object.create(null), value) : value';

/**
 * `.default(value)`. zod hands out a shallow copy of an object or array default; one that nests
 * objects or arrays is parsed from its JSON text on each use, so no two payloads share a part of it.
 */
function defaultCall(value: unknown): string {
  const nested =
    typeof value === "object" &&
    value !== null &&
    Object.values(value).some((v) => typeof v === "object" && v !== null);
  return nested
    ? `.default(() => JSON.parse(${literal(JSON.stringify(value))}))`
    : `.default(${literal(value)})`;
}

import type { JsonValue } from "../../model/json-schema.js";
import { call, group, type Doc } from "../layout.js";
import { literal } from "../literal.js";
import type { ZodContext } from "./context.js";

/**
 * `enum` and `const`: text-only lists become z.enum, anything else a union of one member per
 * value: a literal for text, numbers, true/false and null, and a JSON-equality check (the
 * runtime's jsonEquals) for an object or array, which `z.literal` cannot hold.
 */
export function valuesSchema(values: readonly JsonValue[], context: ZodContext): Doc {
  if (values.length > 1 && values.every((value) => typeof value === "string")) {
    return call("z.enum", [group("[", values.map(literal), "]")]);
  }
  const members = values.map((value): Doc => {
    if (value === null) return "z.null()";
    if (typeof value !== "object") return `z.literal(${literal(value)})`;
    context.helpers.add("jsonEquals");
    const text = literal(value);
    return call("z.unknown().refine", [
      `(value) => jsonEquals(value, ${text})`,
      `{ error: ${literal(`Expected ${text}`)} }`,
    ]);
  });
  return members.length === 1 ? (members[0] ?? "z.never()") : call("z.union", [group("[", members, "]")]);
}

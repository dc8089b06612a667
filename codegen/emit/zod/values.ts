import type { JsonPrimitive } from "../../model/json-schema.js";
import { literal } from "../literal.js";

/** `enum` and `const`: text-only lists become z.enum, anything else a union of literals. */
export function valuesSchema(values: readonly JsonPrimitive[]): string {
  if (values.length > 1 && values.every((value) => typeof value === "string")) {
    return `z.enum([${values.map(literal).join(", ")}])`;
  }
  const members = values.map((value) => (value === null ? "z.null()" : `z.literal(${literal(value)})`));
  return members.length === 1 ? (members[0] ?? "z.never()") : `z.union([${members.join(", ")}])`;
}

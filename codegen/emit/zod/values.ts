import type { JsonPrimitive } from "../../model/json-schema.js";
import { call, group, type Doc } from "../layout.js";
import { literal } from "../literal.js";

/** `enum` and `const`: text-only lists become z.enum, anything else a union of literals. */
export function valuesSchema(values: readonly JsonPrimitive[]): Doc {
  if (values.length > 1 && values.every((value) => typeof value === "string")) {
    return call("z.enum", [group("[", values.map(literal), "]")]);
  }
  const members = values.map((value) => (value === null ? "z.null()" : `z.literal(${literal(value)})`));
  return members.length === 1 ? (members[0] ?? "z.never()") : call("z.union", [group("[", members, "]")]);
}

import type { JsonSchema } from "../../model/json-schema.js";
import type { ZodContext } from "./context.js";

/** `oneOf`: exactly one branch matches (z.xor). */
export function oneOfSchema(branches: readonly JsonSchema[], context: ZodContext): string {
  const members = branches.map(context.transform);
  return members.length === 1 ? (members[0] ?? "z.never()") : `z.xor([${members.join(", ")}])`;
}

/** `anyOf`: at least one branch matches (z.union). */
export function anyOfSchema(branches: readonly JsonSchema[], context: ZodContext): string {
  const members = branches.map(context.transform);
  return members.length === 1 ? (members[0] ?? "z.never()") : `z.union([${members.join(", ")}])`;
}

/** `allOf`: every branch matches (nested z.intersection). */
export function allOfSchema(branches: readonly JsonSchema[], context: ZodContext): string {
  return intersect(branches.map(context.transform));
}

/** Intersects zod expressions left to right; one expression is returned as it is. */
export function intersect(members: readonly string[]): string {
  const [first = "z.unknown()", ...rest] = members;
  return rest.reduce((left, right) => `z.intersection(${left}, ${right})`, first);
}

import type { JsonSchema } from "../../model/json-schema.js";
import { call, group, type Doc } from "../layout.js";
import type { ZodContext } from "./context.js";

/** `oneOf`: exactly one branch matches (z.xor). */
export function oneOfSchema(branches: readonly JsonSchema[], context: ZodContext): Doc {
  return union("z.xor", branches.map(context.transform));
}

/** `anyOf`: at least one branch matches (z.union). */
export function anyOfSchema(branches: readonly JsonSchema[], context: ZodContext): Doc {
  return union("z.union", branches.map(context.transform));
}

/** `allOf`: every branch matches (nested z.intersection). */
export function allOfSchema(branches: readonly JsonSchema[], context: ZodContext): Doc {
  return intersect(branches.map(context.transform));
}

/** `callee([a, b, ...])`, or the single member as it is. */
export function union(callee: string, members: readonly Doc[]): Doc {
  return members.length === 1 ? (members[0] ?? "z.never()") : call(callee, [group("[", members, "]")]);
}

/** Intersects zod expressions left to right; one expression is returned as it is. */
export function intersect(members: readonly Doc[]): Doc {
  const [first = "z.unknown()", ...rest] = members;
  return rest.reduce<Doc>((left, right) => call("z.intersection", [left, right]), first);
}

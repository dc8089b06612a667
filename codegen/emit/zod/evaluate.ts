/**
 * Zod validators built while jobgen runs (by the operations commands, and wherever the generator
 * must judge a value), exactly as the generated validators.ts declares them: each is the
 * generator's own zod expression, evaluated with zod and the runtime's checks in scope. So jobgen
 * cannot judge a payload otherwise than the generated code does. Schema text never becomes code
 * in that expression: names are checked identifiers and every value is a literal, as in the file.
 * Everything comes from `@jobgen/runtime/contract` and `@jobgen/runtime/zod`, which load no Redis client.
 */
import { z } from "@jobgen/runtime/zod";
import type { JsonSchema } from "../../model/json-schema.js";
import { RUNTIME_CHECKS } from "../runtime-checks.js";
import { typeValidatorName } from "../../model/naming.js";
import { flat, type Doc } from "../layout.js";
import type { HelperName } from "./context.js";
import { zodExpression } from "./transform.js";

/**
 * A function that makes the zod validator of a schema, with the shared `types` (by name, each
 * after the types it references, as the model orders them) reachable through `$ref`.
 */
export function zodValidators(types: ReadonlyMap<string, JsonSchema>): (schema: JsonSchema) => z.ZodType {
  const scope = new Map<string, unknown>([["z", z], ...Object.entries(RUNTIME_CHECKS)]);
  const helpers = new Set<HelperName>();
  for (const [name, schema] of types) {
    scope.set(typeValidatorName(name), evaluate(zodExpression(schema, helpers), scope));
  }
  return (schema) => evaluate(zodExpression(schema, helpers), scope) as z.ZodType;
}

/** The value of a generated expression, with `scope`'s names bound. */
function evaluate(expression: Doc, scope: ReadonlyMap<string, unknown>): unknown {
  const build = new Function(...scope.keys(), `"use strict";\nreturn (${flat(expression)});`) as (
    ...values: unknown[]
  ) => unknown;
  return build(...scope.values());
}

/**
 * Compiled checks built while jobgen runs (the operations commands, the benchmark), exactly as
 * the generated checks.ts declares them: the same statements from checks/compile.ts, without
 * the TypeScript annotations, evaluated with the runtime's checks in scope. Schema text never
 * becomes code: names are made by the compiler and every value is a literal, as in the file.
 */
import type { JsonSchema } from "../../model/json-schema.js";
import { RUNTIME_CHECKS } from "../runtime-checks.js";
import { typeCheckName } from "../../model/naming.js";
import { checkBody, type CheckScope } from "./compile.js";

/** A compiled check: `true` exactly when the schema's zod validator accepts the value. */
export type CompiledCheck = (value: unknown) => boolean;

/**
 * A function that compiles the check of a schema, with the shared `types` (by name) reachable
 * through `$ref`, as checks.ts has them.
 */
export function compiledChecks(
  types: ReadonlyMap<string, JsonSchema>,
): (schema: JsonSchema) => CompiledCheck {
  return (schema) => {
    const scope: CheckScope = { helpers: new Set(), constants: [], parts: [], typed: false, typeCheckName };
    const functions = [...types].map(
      ([name, type]) => [typeCheckName(name), checkBody(type, typeCheckName(name), scope)] as const,
    );
    const main = checkBody(schema, "check", scope);
    const source = [
      '"use strict";',
      ...scope.constants,
      ...[...functions, ...scope.parts].map(
        ([name, body]) => `function ${name}(value) {\n${body.join("\n")}\n}`,
      ),
      `return function check(value) {\n${main.join("\n")}\n};`,
    ].join("\n");
    const build = new Function(...Object.keys(RUNTIME_CHECKS), source) as (
      ...helpers: unknown[]
    ) => CompiledCheck;
    return build(...Object.values(RUNTIME_CHECKS));
  };
}

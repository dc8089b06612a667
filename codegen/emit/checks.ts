import { hasDefaults } from "../model/defaults.js";
import type { JsonSchema } from "../model/json-schema.js";
import type { SchemaModel, TaskModel } from "../model/model.js";
import { payloadCheckName, typeCheckName, versionCheckName } from "../model/naming.js";
import { checkBody, type CheckScope } from "./checks/compile.js";
import { functionDeclaration, importDeclaration, printFile } from "./declarations.js";
import type { EmitOptions, GeneratedFile } from "./file.js";
import type { Doc } from "./layout.js";
import { commentText } from "./literal.js";

/**
 * checks.ts: per task (and per kept payload version and shared type) a compiled check,
 * `check<Name>(value): boolean`, `true` exactly for the values its zod validator in validators.ts
 * accepts (checks/compile.ts). The registry hands the runtime the checks of the payloads without
 * defaults (where zod's output is the value itself): the worker and the producer run the check
 * first and ask zod only for the issues of a value the check refused.
 */
export function emitChecks(model: SchemaModel, header: string, options: EmitOptions): GeneratedFile {
  const scope: CheckScope = {
    helpers: new Set(),
    constants: [],
    parts: [],
    typed: true,
    typeCheckName,
  };
  const functions: Doc[] = [];
  const add = (name: string, doc: string, schema: JsonSchema): void => {
    const body = checkBody(schema, name, scope);
    functions.push(
      functionDeclaration({
        doc: commentText(doc),
        exported: true,
        name,
        parameters: ["value: unknown"],
        returnType: "boolean",
        body,
      }),
    );
  };
  for (const type of model.types) {
    add(typeCheckName(type.name), `Whether a value is a valid shared type \`${type.name}\`.`, type.schema);
  }
  for (const task of model.tasks) {
    add(
      payloadCheckName(task.pascal),
      `Whether a value is a valid payload of \`${task.wireName}\`${task.version === 1 ? "" : ` (version ${task.version})`}.`,
      task.payload,
    );
    for (const kept of task.previous) {
      add(
        versionCheckName(task.pascal, kept.version),
        `Whether a value is a valid payload of \`${task.wireName}\` at its earlier version ${kept.version}.`,
        kept.payload,
      );
    }
  }
  const parts = scope.parts.map(([name, body]) =>
    functionDeclaration({ name, parameters: ["value: unknown"], returnType: "boolean", body }),
  );
  return printFile("checks.ts", header, [
    scope.helpers.size === 0 ? [] : importDeclaration([...scope.helpers], options.runtime),
    scope.constants,
    ...functions,
    ...parts,
  ]);
}

/** The checks the registry hands the runtime: those of payloads whose validator fills in no default. */
export function registryChecks(model: SchemaModel): {
  readonly payload: (task: TaskModel) => string | undefined;
  readonly version: (task: TaskModel, version: number, payload: JsonSchema) => string | undefined;
} {
  const types = new Map(model.types.map((type) => [type.name, type.schema]));
  return {
    payload: (task) => (hasDefaults(task.payload, types) ? undefined : payloadCheckName(task.pascal)),
    version: (task, version, payload) =>
      hasDefaults(payload, types) ? undefined : versionCheckName(task.pascal, version),
  };
}

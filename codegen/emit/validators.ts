import type { SchemaModel } from "../model/model.js";
import { payloadValidatorName, typeValidatorName, versionValidatorName } from "../model/naming.js";
import { constDeclaration, importDeclaration, printFile } from "./declarations.js";
import type { EmitOptions, GeneratedFile } from "./file.js";
import type { Doc } from "./layout.js";
import { commentText } from "./literal.js";
import type { HelperName } from "./zod/context.js";
import { zodExpression } from "./zod/transform.js";

/**
 * validators.ts: a zod validator per shared type and per payload, equivalent to its JSON Schema.
 * zod comes through the runtime, so an app never declares it and the versions cannot drift; formats
 * and the keywords zod has no exact method for call the runtime's checks, imported with it.
 */
export function emitValidators(model: SchemaModel, header: string, options: EmitOptions): GeneratedFile {
  const helpers = new Set<HelperName>();
  const constants: Doc[] = [];
  const constant = (name: string, doc: string, value: Doc): void => {
    constants.push(constDeclaration({ doc: commentText(doc), exported: true, name, value }));
  };
  for (const type of model.types) {
    constant(
      typeValidatorName(type.name),
      `Validates the shared type \`${type.name}\`.`,
      zodExpression(type.schema, helpers),
    );
  }
  for (const task of model.tasks) {
    constant(
      payloadValidatorName(task.pascal),
      `Validates the payload of \`${task.wireName}\`${task.version === 1 ? "" : ` (version ${task.version})`}.`,
      zodExpression(task.payload, helpers),
    );
    for (const kept of task.previous) {
      constant(
        versionValidatorName(task.pascal, kept.version),
        `Validates a payload of \`${task.wireName}\` at its earlier version ${kept.version}.`,
        zodExpression(kept.payload, helpers),
      );
    }
  }
  return printFile("validators.ts", header, [
    importDeclaration([...helpers, "z"], options.runtime),
    ...constants,
  ]);
}

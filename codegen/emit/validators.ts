import type { WriterFunction } from "ts-morph";

import type { SchemaModel } from "../model/model.js";
import { payloadValidatorName, typeValidatorName } from "../model/naming.js";
import type { EmitOptions, GeneratedFile } from "./file.js";
import { statementWriter, type Doc } from "./layout.js";
import { commentText } from "./literal.js";
import { StructureKind, type TypeScriptPrinter } from "./typescript.js";
import type { HelperName } from "./zod/context.js";
import { zodExpression } from "./zod/transform.js";

/**
 * validators.ts: a zod validator per shared type and per payload, equivalent to its JSON Schema.
 * zod comes through the runtime, so an app never declares it and the versions cannot drift; formats
 * and the keywords zod has no exact method for call the runtime's checks, imported with it.
 */
export async function emitValidators(
  model: SchemaModel,
  header: string,
  options: EmitOptions,
  printer: TypeScriptPrinter,
): Promise<GeneratedFile> {
  const helpers = new Set<HelperName>();
  const constants: WriterFunction[] = [];
  const constant = (name: string, doc: string, initializer: Doc): void => {
    constants.push(statementWriter(commentText(doc), `export const ${name} = `, initializer));
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
      `Validates the payload of \`${task.wireName}\`.`,
      zodExpression(task.payload, helpers),
    );
  }
  return printer.print("validators.ts", header, {
    statements: [
      {
        kind: StructureKind.ImportDeclaration,
        moduleSpecifier: options.runtime,
        namedImports: [...helpers, "z"].sort(),
      },
      ...constants,
    ],
  });
}

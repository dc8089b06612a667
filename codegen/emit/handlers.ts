import type { InterfaceDeclarationStructure } from "ts-morph";

import type { SchemaModel } from "../model/model.js";
import { handlerTypeName, payloadTypeName, queueHandlersName } from "../model/naming.js";
import { taskDoc } from "./enqueue.js";
import type { EmitOptions, GeneratedFile } from "./file.js";
import { literal } from "./literal.js";
import { StructureKind, type TypeScriptPrinter } from "./typescript.js";

/** handlers.ts: a handler interface per task, the map of each queue, `Handlers` and `QueueHandlers`. */
export async function emitHandlers(
  model: SchemaModel,
  header: string,
  options: EmitOptions,
  printer: TypeScriptPrinter,
): Promise<GeneratedFile> {
  const handlerInterfaces: InterfaceDeclarationStructure[] = model.tasks.map((task) => ({
    kind: StructureKind.Interface,
    isExported: true,
    name: handlerTypeName(task.pascal),
    docs: [taskDoc(task, "Handles")],
    methods: [
      {
        name: "handle",
        parameters: [
          { name: "payload", type: payloadTypeName(task.pascal) },
          { name: "ctx", type: `TaskContext<${payloadTypeName(task.pascal)}>` },
        ],
        returnType: "Promise<void>",
      },
    ],
  }));
  const queueMaps: InterfaceDeclarationStructure[] = model.queues.map((queue) => ({
    kind: StructureKind.Interface,
    isExported: true,
    name: queueHandlersName(queue.pascal),
    docs: [
      `A handler for every task of queue \`${queue.name}\`: an object with \`handle\` or an async function.`,
    ],
    properties: model.tasks
      .filter((task) => task.queue === queue.name)
      .map((task) => ({
        name: task.camel,
        isReadonly: true,
        docs: [`Handles \`${task.wireName}\`.`],
        type: `${handlerTypeName(task.pascal)} | HandlerFunction<${payloadTypeName(task.pascal)}>`,
      })),
  }));
  return printer.print("handlers.ts", header, {
    statements: [
      {
        kind: StructureKind.ImportDeclaration,
        moduleSpecifier: options.runtime,
        isTypeOnly: true,
        namedImports: ["HandlerFunction", "TaskContext"],
      },
      ...(model.tasks.length === 0
        ? []
        : [
            {
              kind: StructureKind.ImportDeclaration,
              moduleSpecifier: "./payloads.js",
              isTypeOnly: true,
              namedImports: model.tasks.map((task) => payloadTypeName(task.pascal)).sort(),
            } as const,
          ]),
      ...handlerInterfaces,
      ...queueMaps,
      {
        kind: StructureKind.Interface,
        isExported: true,
        name: "Handlers",
        docs: ["A handler for every task of the schema."],
        extends: model.queues.map((queue) => queueHandlersName(queue.pascal)),
      },
      {
        kind: StructureKind.Interface,
        isExported: true,
        name: "QueueHandlers",
        docs: ["The handler map of each queue, by queue name."],
        properties: model.queues.map((queue) => ({
          name: literal(queue.name),
          isReadonly: true,
          type: queueHandlersName(queue.pascal),
        })),
      },
    ],
  });
}

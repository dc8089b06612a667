import type { SchemaModel } from "../model/model.js";
import { handlerTypeName, payloadTypeName, queueHandlersName } from "../model/naming.js";
import {
  importDeclaration,
  interfaceDeclaration,
  member,
  methodSignature,
  printFile,
} from "./declarations.js";
import { taskDoc } from "./enqueue.js";
import type { EmitOptions, GeneratedFile } from "./file.js";
import { literal } from "./literal.js";
import { upcastDeclarations, versionTypeNames } from "./versions.js";

/** handlers.ts: a handler interface per task, the map of each queue, `Handlers` and `QueueHandlers`. */
export function emitHandlers(model: SchemaModel, header: string, options: EmitOptions): GeneratedFile {
  const payloadTypes = [
    ...model.tasks.map((task) => payloadTypeName(task.pascal)),
    ...versionTypeNames(model),
  ];
  const handlerInterfaces = model.tasks.map((task) =>
    interfaceDeclaration({
      doc: taskDoc(task, "Handles"),
      exported: true,
      name: handlerTypeName(task.pascal),
      members: [
        methodSignature(
          "handle",
          [`payload: ${payloadTypeName(task.pascal)}`, `ctx: TaskContext<${payloadTypeName(task.pascal)}>`],
          "Promise<void>",
        ),
      ],
    }),
  );
  const queueMaps = model.queues.map((queue) =>
    interfaceDeclaration({
      doc: `A handler for every task of queue \`${queue.name}\`: an object with \`handle\` or an async function.`,
      exported: true,
      name: queueHandlersName(queue.pascal),
      members: model.tasks
        .filter((task) => task.queue === queue.name)
        .map((task) =>
          member(
            `readonly ${task.camel}: ${handlerTypeName(task.pascal)} | HandlerFunction<${payloadTypeName(task.pascal)}>`,
            `Handles \`${task.wireName}\`.`,
          ),
        ),
    }),
  );
  return printFile("handlers.ts", header, [
    [
      importDeclaration(["HandlerFunction", "TaskContext"], options.runtime, true),
      ...(payloadTypes.length === 0 ? [] : [importDeclaration(payloadTypes, "./payloads.js", true)]),
    ],
    ...handlerInterfaces,
    ...queueMaps,
    interfaceDeclaration({
      doc: "A handler for every task of the schema.",
      exported: true,
      name: "Handlers",
      extends: model.queues.map((queue) => queueHandlersName(queue.pascal)),
      members: [],
    }),
    interfaceDeclaration({
      doc: "The handler map of each queue, by queue name.",
      exported: true,
      name: "QueueHandlers",
      members: model.queues.map(
        (queue) => `readonly ${literal(queue.name)}: ${queueHandlersName(queue.pascal)}`,
      ),
    }),
    ...upcastDeclarations(model),
  ]);
}

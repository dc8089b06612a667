import type { WriterFunction } from "ts-morph";

import type { SchemaModel } from "../model/model.js";
import {
  handlerTypeName,
  PAYLOAD_MAP_TYPE,
  payloadTypeName,
  payloadValidatorName,
  queueHandlersName,
  typeValidatorName,
} from "../model/naming.js";
import type { GeneratedFile } from "./file.js";
import { concat, group, statementWriter } from "./layout.js";
import { literal } from "./literal.js";
import type { TypeScriptPrinter } from "./typescript.js";

/** index.ts: the public surface of the generated client, as explicit named exports. */
export async function emitIndex(
  model: SchemaModel,
  header: string,
  printer: TypeScriptPrinter,
): Promise<GeneratedFile> {
  const exports = (moduleSpecifier: string, names: readonly string[], isTypeOnly = false): WriterFunction =>
    statementWriter(
      undefined,
      isTypeOnly ? "export type " : "export ",
      concat(group("{", [...names].sort(), "}"), ` from ${literal(moduleSpecifier)}`),
    );
  return printer.print("index.ts", header, {
    statements: [
      exports("./enqueue.js", ["createEnqueue"]),
      exports("./enqueue.js", ["BulkItem", "Enqueue"], true),
      exports(
        "./handlers.js",
        [
          "Handlers",
          "QueueHandlers",
          ...model.queues.map((queue) => queueHandlersName(queue.pascal)),
          ...model.tasks.map((task) => handlerTypeName(task.pascal)),
        ],
        true,
      ),
      exports(
        "./payloads.js",
        [
          PAYLOAD_MAP_TYPE,
          ...model.types.map((type) => type.name),
          ...model.tasks.map((task) => payloadTypeName(task.pascal)),
        ],
        true,
      ),
      exports("./registry.js", ["registry", "wireNames"]),
      exports("./validators.js", [
        ...model.types.map((type) => typeValidatorName(type.name)),
        ...model.tasks.map((task) => payloadValidatorName(task.pascal)),
      ]),
      exports("./worker.js", ["createWorker"]),
      exports("./worker.js", ["HandlersFor", "QueueName", "TypedWorkerOptions"], true),
    ],
  });
}

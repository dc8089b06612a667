import type { SchemaModel } from "../model/model.js";
import {
  handlerTypeName,
  PAYLOAD_MAP_TYPE,
  payloadTypeName,
  payloadValidatorName,
  queueHandlersName,
  typeValidatorName,
} from "../model/naming.js";
import { exportFrom, printFile } from "./declarations.js";
import type { GeneratedFile } from "./file.js";

/** index.ts: the public surface of the generated client, as explicit named exports. */
export function emitIndex(model: SchemaModel, header: string): GeneratedFile {
  return printFile("index.ts", header, [
    [
      exportFrom(["createEnqueue"], "./enqueue.js"),
      exportFrom(["BulkItem", "Enqueue"], "./enqueue.js", true),
      exportFrom(
        [
          "Handlers",
          "QueueHandlers",
          ...model.queues.map((queue) => queueHandlersName(queue.pascal)),
          ...model.tasks.map((task) => handlerTypeName(task.pascal)),
        ],
        "./handlers.js",
        true,
      ),
      exportFrom(
        [
          PAYLOAD_MAP_TYPE,
          ...model.types.map((type) => type.name),
          ...model.tasks.map((task) => payloadTypeName(task.pascal)),
        ],
        "./payloads.js",
        true,
      ),
      exportFrom(["registry", "wireNames"], "./registry.js"),
      exportFrom(
        [
          ...model.types.map((type) => typeValidatorName(type.name)),
          ...model.tasks.map((task) => payloadValidatorName(task.pascal)),
        ],
        "./validators.js",
      ),
      exportFrom(["createWorker"], "./worker.js"),
      exportFrom(["HandlersFor", "QueueName", "TypedWorkerOptions"], "./worker.js", true),
    ],
  ]);
}

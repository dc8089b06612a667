import type { SchemaModel } from "../model/model.js";
import {
  handlerTypeName,
  INPUT_MAP_TYPE,
  inputTypeName,
  PAYLOAD_MAP_TYPE,
  payloadTypeName,
  payloadValidatorName,
  queueHandlersName,
  sharedInputName,
  typeValidatorName,
  upcastsTypeName,
  versionValidatorName,
} from "../model/naming.js";
import { versionedTasks, versionTypeNames } from "./versions.js";
import { hasDefaults } from "../model/defaults.js";
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
          ...(versionedTasks(model).length === 0
            ? []
            : ["QueueUpcasts", ...versionedTasks(model).map((task) => upcastsTypeName(task.pascal))]),
        ],
        "./handlers.js",
        true,
      ),
      exportFrom(payloadNames(model), "./payloads.js", true),
      exportFrom(["registry", "wireNames"], "./registry.js"),
      exportFrom(
        [
          ...model.types.map((type) => typeValidatorName(type.name)),
          ...model.tasks.map((task) => payloadValidatorName(task.pascal)),
          ...model.tasks.flatMap((task) =>
            task.previous.map((kept) => versionValidatorName(task.pascal, kept.version)),
          ),
        ],
        "./validators.js",
      ),
      exportFrom(["createWorker"], "./worker.js"),
      exportFrom(
        [
          "HandlersFor",
          "QueueName",
          "TypedWorkerOptions",
          ...(versionedTasks(model).length === 0 ? [] : ["UpcastsFor"]),
        ],
        "./worker.js",
        true,
      ),
    ],
  ]);
}

/** The types of payloads.ts: handler payloads, and producer inputs where a payload has defaults. */
function payloadNames(model: SchemaModel): string[] {
  const types = new Map(model.types.map((type) => [type.name, type.schema]));
  const names = [
    PAYLOAD_MAP_TYPE,
    ...model.types.map((type) => type.name),
    ...model.tasks.map((task) => payloadTypeName(task.pascal)),
    ...versionTypeNames(model),
  ];
  if (!model.tasks.some((task) => hasDefaults(task.payload, types))) return names;
  return [
    ...names,
    INPUT_MAP_TYPE,
    ...model.types
      .filter((type) => hasDefaults(type.schema, types))
      .map((type) => sharedInputName(type.name)),
    ...model.tasks
      .filter((task) => hasDefaults(task.payload, types))
      .map((task) => inputTypeName(task.pascal)),
  ];
}

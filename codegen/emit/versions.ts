/**
 * What versioned payloads add to the generated code: a type and a validator per kept version
 * (`SendEmailPayloadV1`, `SendEmailPayloadV1Schema`), and the upcasts a worker must supply, typed
 * so that a missing or mistyped one does not compile (`SendEmailUpcasts`, `QueueUpcasts`).
 */
import type { SchemaModel, TaskModel } from "../model/model.js";
import { payloadTypeName, upcastsTypeName, versionTypeName } from "../model/naming.js";
import { interfaceDeclaration, member } from "./declarations.js";
import type { Doc } from "./layout.js";
import { literal } from "./literal.js";

/** The tasks that keep earlier versions (and so need upcasts). */
export function versionedTasks(model: SchemaModel): TaskModel[] {
  return model.tasks.filter((task) => task.previous.length > 0);
}

/** The type names of every kept version of every task. */
export function versionTypeNames(model: SchemaModel): string[] {
  return model.tasks.flatMap((task) =>
    task.previous.map((kept) => versionTypeName(task.pascal, kept.version)),
  );
}

/** handlers.ts: an upcasts interface per versioned task, and `QueueUpcasts`, the map of each queue's. */
export function upcastDeclarations(model: SchemaModel): Doc[] {
  const tasks = versionedTasks(model);
  if (tasks.length === 0) return [];
  const perTask = tasks.map((task) =>
    interfaceDeclaration({
      doc:
        `The upcasts of \`${task.wireName}\`: each turns a payload of a kept version into the next version, up to\n` +
        `version ${task.version}. A worker validates a queued payload against its own version's schema, upcasts it\n` +
        "step by step, validates the result against the current schema, and hands the handler only that.",
      exported: true,
      name: upcastsTypeName(task.pascal),
      members: task.previous.map((kept) => {
        const next =
          kept.version + 1 === task.version
            ? payloadTypeName(task.pascal)
            : versionTypeName(task.pascal, kept.version + 1);
        return member(
          `readonly fromV${kept.version}: (old: ${versionTypeName(task.pascal, kept.version)}) => ${next}`,
          `Version ${kept.version} → ${kept.version + 1}.`,
        );
      }),
    }),
  );
  const queueMap = interfaceDeclaration({
    doc: "The upcasts a worker of each queue must supply: one object per task that keeps earlier payload versions.",
    exported: true,
    name: "QueueUpcasts",
    members: model.queues.map((queue) => {
      const members = tasks
        .filter((task) => task.queue === queue.name)
        .map((task) => `readonly ${task.camel}: ${upcastsTypeName(task.pascal)}`);
      return `readonly ${literal(queue.name)}: ${members.length === 0 ? "Record<never, never>" : `{ ${members.join("; ")} }`}`;
    }),
  });
  return [...perTask, queueMap];
}

/**
 * The pure core of `jobgen diff`: two loaded schemas in, every change out, each judged in both
 * directions. No IO; the CLI reads the files (or git revisions) and prints.
 */
import type { SchemaModel, TaskModel } from "../model/model.js";
import { breaksIn, type Change, type Mode } from "./change.js";
import { comparePayloads } from "./payload.js";
import { diffQueues } from "./rules/queues.js";
import { diffTasks } from "./rules/tasks.js";

/** Every change from `old` to `next`: queues first, then tasks by wire name. */
export function diffSchemas(old: SchemaModel, next: SchemaModel): Change[] {
  const scope = (task: TaskModel) => ({
    task: task.wireName,
    oldTypes: new Map(old.types.map((type) => [type.name, type.schema])),
    newTypes: new Map(next.types.map((type) => [type.name, type.schema])),
    upcastFix: "declare version 2 with an upcast (keep the old payload under previous)",
  });
  return [
    ...diffQueues(old, next),
    ...diffTasks(old, next, (before, after) =>
      comparePayloads(scope(after), before.payload, after.payload, {
        path: ["tasks", after.wireName, "payload"],
        field: "payload",
      }),
    ),
  ];
}

/** Whether the changes keep the schemas compatible in `mode`. */
export function isCompatible(changes: readonly Change[], mode: Mode): boolean {
  return !changes.some((change) => breaksIn(change, mode));
}

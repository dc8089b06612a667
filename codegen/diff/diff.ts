/**
 * The pure core of `jobgen diff`: two loaded schemas in, every change out, each judged in both
 * directions. No IO; the CLI reads the files (or git revisions) and prints.
 */
import type { SchemaModel, TaskModel } from "../model/model.js";
import { breaksIn, type Change, type Mode } from "./change.js";
import { comparePayloads } from "./payload.js";
import { diffQueues } from "./rules/queues.js";
import { diffTasks } from "./rules/tasks.js";
import { diffVersions } from "./rules/versions.js";

/** Every change from `old` to `next`: queues first, then tasks by wire name. */
export function diffSchemas(old: SchemaModel, next: SchemaModel): Change[] {
  const oldTypes = new Map(old.types.map((type) => [type.name, type.schema]));
  const newTypes = new Map(next.types.map((type) => [type.name, type.schema]));
  const scope = (before: TaskModel, after: TaskModel) => ({
    task: after.wireName,
    oldTypes,
    newTypes,
    upcastFix: `declare version ${Math.max(before.version, after.version) + 1} with an upcast (keep the old payload under previous)`,
  });
  return [
    ...diffQueues(old, next),
    ...diffTasks(old, next, (before, after) =>
      diffVersions(before, after, (from, to, at) => comparePayloads(scope(before, after), from, to, at)),
    ),
  ];
}

/** Whether the changes keep the schemas compatible in `mode`. */
export function isCompatible(changes: readonly Change[], mode: Mode): boolean {
  return !changes.some((change) => breaksIn(change, mode));
}

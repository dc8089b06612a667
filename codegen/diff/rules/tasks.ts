/**
 * Task changes: added, removed (or renamed: removed with an identical task added), moved to a
 * queue with another stream or group, payload limits, and policy (retries, timeout, backoff),
 * which only changes how a task is run, never whether it is read: always safe.
 */
import type { QueueModel, SchemaModel, TaskModel } from "../../model/model.js";
import { breaking, DEPLOY_WORKERS_FIRST, safe, SAFE, type Change } from "../change.js";
import { sameWire } from "./queues.js";

/** Compares the tasks; `payloads` compares the payload (and kept versions) of a task in both files. */
export function diffTasks(
  old: SchemaModel,
  next: SchemaModel,
  payloads: (before: TaskModel, after: TaskModel) => Change[],
): Change[] {
  const changes: Change[] = [];
  const oldTasks = new Map(old.tasks.map((task) => [task.wireName, task]));
  const newTasks = new Map(next.tasks.map((task) => [task.wireName, task]));
  const added = next.tasks.filter((task) => !oldTasks.has(task.wireName));
  const removed = old.tasks.filter((task) => !newTasks.has(task.wireName));
  const renamed = new Map<string, TaskModel>();
  for (const task of removed) {
    const heir = added.find(
      (candidate) => !renamed.has(candidate.wireName) && sameTask(task, candidate, old, next),
    );
    if (heir !== undefined) renamed.set(heir.wireName, task);
  }
  for (const task of removed) {
    if ([...renamed.values()].includes(task)) continue;
    changes.push({
      rule: "TASK_REMOVED",
      task: task.wireName,
      path: ["tasks"],
      what: `task "${task.wireName}" removed`,
      backward: breaking(
        `"${task.wireName}" tasks still queued (or delayed for a retry) reach new workers, which dead-letter them as unknown_type`,
        `stop producing it first, and remove it once \`jobgen stats\` and \`jobgen dlq list --type ${task.wireName}\` show none`,
      ),
      forward: SAFE,
    });
  }
  for (const task of added) {
    const before = renamed.get(task.wireName);
    changes.push({
      rule: before === undefined ? "TASK_ADDED" : "TASK_RENAMED",
      task: task.wireName,
      path: ["tasks", task.wireName],
      what:
        before === undefined
          ? `task "${task.wireName}" added`
          : `task "${before.wireName}" renamed to "${task.wireName}"`,
      backward:
        before === undefined
          ? SAFE
          : breaking(
              `the wire name is the task's identity: queued "${before.wireName}" tasks are dead-lettered by new workers as unknown_type`,
              `add "${task.wireName}" beside "${before.wireName}", move producers to it, and remove "${before.wireName}" once none is queued`,
            ),
      forward: breaking(
        `old workers dead-letter "${task.wireName}" tasks as unknown_type`,
        DEPLOY_WORKERS_FIRST,
      ),
    });
  }
  for (const after of next.tasks) {
    const before = oldTasks.get(after.wireName);
    if (before === undefined) continue;
    changes.push(...compareTask(before, after, old, next), ...payloads(before, after));
  }
  return changes;
}

function compareTask(before: TaskModel, after: TaskModel, old: SchemaModel, next: SchemaModel): Change[] {
  const changes: Change[] = [];
  const task = after.wireName;
  const path = ["tasks", task];
  if (before.queue !== after.queue) {
    const from = queueOf(old, before.queue);
    const to = queueOf(next, after.queue);
    const same = from !== undefined && to !== undefined && sameWire(from, to);
    changes.push({
      rule: "TASK_MOVED",
      task,
      path: [...path, "queue"],
      what: `moved from queue "${before.queue}" to "${after.queue}"`,
      backward: same
        ? safe("the same stream and group: only the handler maps of the generated code change")
        : breaking(
            `"${task}" tasks already in stream "${from?.stream}" wait for workers of queue "${before.queue}", which have no handler for it any more`,
            `keep "${task}" on "${before.queue}" until none is queued there, or add a new task on "${after.queue}" and move producers to it`,
          ),
      forward: same
        ? SAFE
        : breaking(
            `old workers read "${task}" from stream "${from?.stream}", not "${to?.stream}"`,
            DEPLOY_WORKERS_FIRST,
          ),
    });
  }
  for (const [key, label, unit] of [
    ["maxPayloadBytes", "maxPayloadSize", "bytes"],
    ["maxDepth", "maxDepth", "levels"],
  ] as const) {
    const was = before[key];
    const now = after[key];
    if (was === now) continue;
    changes.push({
      rule: "LIMIT_CHANGED",
      task,
      path: [...path, label],
      what: `${label} ${was} → ${now} ${unit}`,
      backward:
        now < was
          ? breaking(
              `an old task over ${now} ${unit} is dead-lettered by new workers as too_large`,
              `lower it in a later release, once no larger task is queued`,
            )
          : SAFE,
      forward:
        now > was
          ? breaking(
              `a new task over ${was} ${unit} is dead-lettered by old workers as too_large`,
              DEPLOY_WORKERS_FIRST,
            )
          : SAFE,
    });
  }
  const [keyBefore, keyAfter] = [before.partitionKey?.join("."), after.partitionKey?.join(".")];
  if (keyBefore !== keyAfter) {
    const note =
      "tasks are read whatever partition they are in; while tasks enqueued before the change wait, " +
      "tasks of one key may be in two partitions and run out of order (drain the queue first to keep order)";
    changes.push({
      rule: "PARTITION_KEY_CHANGED",
      task,
      path: [...path, ...(after.partitionKey === undefined ? [] : ["partitionKey"])],
      what: `partitionKey ${keyBefore ?? "(none)"} → ${keyAfter ?? "(none)"}`,
      backward: safe(note),
      forward: safe(note),
    });
  }
  const policy = (model: TaskModel): string =>
    JSON.stringify([model.maxRetries, model.timeoutMs, model.backoff]);
  if (policy(before) !== policy(after)) {
    const key =
      before.maxRetries !== after.maxRetries
        ? "maxRetries"
        : before.timeoutMs !== after.timeoutMs
          ? "timeout"
          : "backoff";
    changes.push({
      rule: "POLICY_CHANGED",
      task,
      path: [...path, key],
      what: describePolicy(before, after),
      backward: safe("retries, timeout and backoff change how a task runs, not whether it is read"),
      forward: SAFE,
    });
  }
  return changes;
}

function describePolicy(before: TaskModel, after: TaskModel): string {
  const parts: string[] = [];
  if (before.maxRetries !== after.maxRetries)
    parts.push(`maxRetries ${before.maxRetries ?? "(default)"} → ${after.maxRetries ?? "(default)"}`);
  if (before.timeoutMs !== after.timeoutMs)
    parts.push(`timeout ${ms(before.timeoutMs)} → ${ms(after.timeoutMs)}`);
  if (JSON.stringify(before.backoff) !== JSON.stringify(after.backoff)) parts.push("backoff changed");
  return parts.join(", ");
}

function ms(value: number | undefined): string {
  return value === undefined ? "(default)" : `${value}ms`;
}

function queueOf(model: SchemaModel, name: string): QueueModel | undefined {
  return model.queues.find((queue) => queue.name === name);
}

/** Same queue on the wire and the same payload: a rename rather than a removal and an addition. */
function sameTask(before: TaskModel, after: TaskModel, old: SchemaModel, next: SchemaModel): boolean {
  const from = queueOf(old, before.queue);
  const to = queueOf(next, after.queue);
  return (
    from !== undefined &&
    to !== undefined &&
    sameWire(from, to) &&
    JSON.stringify(before.payload) === JSON.stringify(after.payload)
  );
}

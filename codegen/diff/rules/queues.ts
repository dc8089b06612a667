/**
 * Queue changes. A queue is its stream, consumer group and dead-letter stream: changing any of them
 * strands what the old one holds (waiting, pending, delayed or dead-lettered tasks). A queue whose
 * name changes while its stream and group stay is the same queue on the wire.
 */
import type { QueueModel, SchemaModel } from "../../model/model.js";
import { breaking, safe, SAFE, type Change } from "../change.js";

export function diffQueues(old: SchemaModel, next: SchemaModel): Change[] {
  const changes: Change[] = [];
  const oldQueues = new Map(old.queues.map((queue) => [queue.name, queue]));
  const newQueues = new Map(next.queues.map((queue) => [queue.name, queue]));
  for (const queue of old.queues) {
    const after = newQueues.get(queue.name);
    if (after === undefined) {
      const heir = next.queues.find((candidate) => sameWire(candidate, queue));
      changes.push({
        rule: "QUEUE_REMOVED",
        path: ["queues"],
        what: `queue "${queue.name}" removed${heir === undefined ? "" : ` (queue "${heir.name}" has its stream and group)`}`,
        backward:
          heir !== undefined
            ? safe(`the same stream "${queue.stream}" is read as queue "${heir.name}"`)
            : breaking(
                `tasks still in stream "${queue.stream}" (waiting, pending or delayed) are no longer read by new workers`,
                `remove the queue only once \`jobgen stats\` shows it empty, or keep it declared`,
              ),
        forward: SAFE,
      });
      continue;
    }
    changes.push(...compareQueue(queue, after));
  }
  for (const queue of next.queues) {
    if (oldQueues.has(queue.name)) continue;
    changes.push({
      rule: "QUEUE_ADDED",
      path: ["queues", queue.name],
      what: `queue "${queue.name}" added`,
      backward: SAFE,
      forward: SAFE,
    });
  }
  return changes;
}

/** The same stream and group: the same queue for every task on the wire. */
export function sameWire(a: QueueModel, b: QueueModel): boolean {
  return a.stream === b.stream && a.group === b.group;
}

function compareQueue(before: QueueModel, after: QueueModel): Change[] {
  const changes: Change[] = [];
  const path = ["queues", after.name];
  const fix = `add a queue with the new setting, move the tasks to it, and remove "${before.name}" once \`jobgen stats\` shows it empty`;
  if (before.stream !== after.stream) {
    changes.push({
      rule: "QUEUE_CHANGED",
      path: [...path, "stream"],
      what: `queue "${after.name}": stream "${before.stream}" → "${after.stream}"`,
      backward: breaking(`tasks already in stream "${before.stream}" are not read by new workers`, fix),
      forward: breaking(
        `tasks new producers write to stream "${after.stream}" are not read by old workers`,
        fix,
      ),
    });
  }
  if (before.group !== after.group) {
    changes.push({
      rule: "QUEUE_CHANGED",
      path: [...path, "group"],
      what: `queue "${after.name}": group "${before.group}" → "${after.group}"`,
      backward: breaking(
        `group "${after.group}" reads the stream from its start: tasks pending in group "${before.group}" run again, and none of them is reclaimed there`,
        fix,
      ),
      forward: breaking(
        `old workers keep reading with group "${before.group}": every task runs once per group`,
        fix,
      ),
    });
  }
  if (before.dlq !== after.dlq) {
    const dlqFix = `replay or purge "${before.dlq}" first (jobgen dlq replay / purge), then change it`;
    changes.push({
      rule: "QUEUE_CHANGED",
      path: [...path, "dlq"],
      what: `queue "${after.name}": dlq "${before.dlq}" → "${after.dlq}"`,
      backward: breaking(
        `tasks dead-lettered in "${before.dlq}" are no longer listed or replayed by jobgen`,
        dlqFix,
      ),
      forward: breaking(
        `old workers still dead-letter into "${before.dlq}", which jobgen no longer reads`,
        dlqFix,
      ),
    });
  }
  const [oldCount, newCount] = [before.partitions ?? 1, after.partitions ?? 1];
  if (oldCount !== newCount) {
    const drain =
      `drain first: stop the producers of "${after.name}", let its workers empty it (\`jobgen stats\` shows ` +
      `length, pending and delayed 0; replay or purge its DLQ), stop them, then deploy workers and producers ` +
      `with partitions: ${newCount} (docs/cluster.md)`;
    changes.push({
      rule: "PARTITIONS_CHANGED",
      path: [...path, ...(after.partitions === undefined ? [] : ["partitions"])],
      what: `queue "${after.name}": partitions ${oldCount} → ${newCount}`,
      backward: breaking(
        newCount < oldCount
          ? `tasks waiting, pending or delayed in partitions ${newCount} to ${oldCount - 1} are no longer read by new workers, and their DLQs are no longer listed`
          : `a task key's new partition differs from its old one: tasks of one key queued before and after the change run out of order`,
        drain,
      ),
      forward: breaking(
        newCount > oldCount
          ? `tasks new producers write to partitions ${oldCount} to ${newCount - 1} are not read by old workers`
          : `a task key's partition differs between old and new producers: tasks of one key run out of order`,
        drain,
      ),
    });
  }
  if (before.maxLen !== after.maxLen) {
    changes.push({
      rule: "POLICY_CHANGED",
      path: [...path, ...(after.maxLen === undefined ? [] : ["maxLen"])],
      what: `queue "${after.name}": maxLen ${before.maxLen ?? "(none)"} → ${after.maxLen ?? "(none)"}`,
      backward: SAFE,
      forward: SAFE,
    });
  }
  return changes;
}

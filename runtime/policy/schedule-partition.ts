/**
 * The partition a schedule's ticks go to on a partitioned queue (redis/partitions.ts): always the
 * same one, so its "enqueued once" state (SCHEDULE_TICK) sits in that partition's slot beside the
 * stream it writes to, and every worker agrees on it. A task with a `partitionKey` goes where the
 * producer puts a task of that key (its schedule's payload is fixed), keeping the key's order;
 * another goes to the FNV-1a hash of the schedule's name, so a queue's schedules spread.
 */
import { fnv1a32, partitionKeyText } from "../producer/partition-choice.js";
import { partitionCount } from "../redis/partitions.js";
import type { QueueDefinition, TaskDefinition } from "../types.js";

/** The partition of `queue` the ticks of schedule `name` of `task` go to (0 when not partitioned). */
export function schedulePartition(
  name: string,
  task: TaskDefinition,
  queue: QueueDefinition,
  payload: unknown,
): number {
  const count = partitionCount(queue);
  if (count <= 1) return 0;
  const text =
    task.partitionKey === undefined ? name : partitionKeyText(task.name, payload, task.partitionKey);
  return fnv1a32(text) % count;
}

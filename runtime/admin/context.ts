/**
 * What every admin operation works with: the store (the Redis side), the registry's queues in name
 * order, and lookups by name that refuse what the schema does not have.
 */
import type { AdminStore } from "../redis/admin-store.js";
import type { Priority } from "../policy/priority.js";
import { levelKeys, type QueueKeys } from "../redis/keys.js";
import { partitionKeys } from "../redis/partitions.js";
import type { QueueDefinition, TaskDefinition, TaskRegistry } from "../types.js";

export interface AdminContext {
  readonly store: AdminStore;
  /** Every queue of the registry, sorted by name. */
  readonly queues: readonly QueueDefinition[];
  /** The keys of each partition of `queue`, by partition (one entry when it is not partitioned). */
  partitionsOf(queue: QueueDefinition): readonly QueueKeys[];
  /** The keys of one partition of `queue` (0 when it is not partitioned). */
  keysOf(queue: QueueDefinition, partition?: number): QueueKeys;
  /** The keys of one priority level of a queue with levels (keys.ts levelKeys). */
  levelKeysOf(queue: QueueDefinition, level: Priority): QueueKeys;
  /** The queue of that name; a RangeError naming the known queues otherwise. */
  queueNamed(name: string): QueueDefinition;
  /** The registry's task of that wire name (own keys only: a DLQ entry's type is data). */
  taskNamed(type: string | undefined): TaskDefinition | undefined;
}

export function createAdminContext(
  registry: TaskRegistry,
  keyPrefix: string,
  store: AdminStore,
): AdminContext {
  const queues = Object.values(registry.queues).sort((a, b) => a.name.localeCompare(b.name));
  const keys = new Map<QueueDefinition, QueueKeys[]>();
  const partitionsOf = (queue: QueueDefinition): QueueKeys[] => {
    let found = keys.get(queue);
    if (found === undefined) keys.set(queue, (found = partitionKeys(queue, keyPrefix)));
    return found;
  };
  return {
    store,
    queues,
    partitionsOf,
    keysOf(queue, partition = 0) {
      const keys = partitionsOf(queue)[partition];
      if (keys === undefined) throw new RangeError(`queue "${queue.name}" has no partition ${partition}`);
      return keys;
    },
    levelKeysOf: (queue, level) => levelKeys(queue, level, keyPrefix),
    queueNamed(name) {
      const queue = Object.hasOwn(registry.queues, name) ? registry.queues[name] : undefined;
      if (queue === undefined) {
        const known = queues.map((q) => q.name).join(", ");
        throw new RangeError(`unknown queue "${name}"; the schema has: ${known}`);
      }
      return queue;
    },
    taskNamed(type) {
      return type !== undefined && Object.hasOwn(registry.tasks, type) ? registry.tasks[type] : undefined;
    },
  };
}

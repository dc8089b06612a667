/**
 * What every admin operation works with: the store (the Redis side), the registry's queues in name
 * order, and lookups by name that refuse what the schema does not have.
 */
import type { AdminStore } from "../redis/admin-store.js";
import type { Priority } from "../policy/priority.js";
import { levelKeys, queueKeys, type QueueKeys } from "../redis/keys.js";
import type { QueueDefinition, TaskDefinition, TaskRegistry } from "../types.js";

export interface AdminContext {
  readonly store: AdminStore;
  /** Every queue of the registry, sorted by name. */
  readonly queues: readonly QueueDefinition[];
  /** The queue's keys; with `level`, those of that priority level (keys.ts levelKeys). */
  keysOf(queue: QueueDefinition, level?: Priority): QueueKeys;
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
  return {
    store,
    queues,
    keysOf: (queue, level) =>
      level === undefined ? queueKeys(queue, keyPrefix) : levelKeys(queue, level, keyPrefix),
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

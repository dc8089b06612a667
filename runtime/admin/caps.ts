/** `jobgen stats`' concurrency caps: per capped task type, the slots held and the tasks parked for one. */
import { PRIORITY_LEVELS } from "../policy/priority.js";
import { parkedKey } from "../redis/keys.js";
import type { TaskRegistry } from "../types.js";
import type { AdminContext } from "./context.js";

export interface CapStats {
  readonly task: string;
  readonly queue: string;
  /** The type's `concurrency`. */
  readonly cap: number;
  /** Slots held now (leases not yet expired; a dead worker's lease counts until it ends). */
  readonly running: number;
  /** Tasks parked until a slot frees (off the stream, in Redis). */
  readonly parked: number;
}

export async function capStats(registry: TaskRegistry, ctx: AdminContext): Promise<CapStats[]> {
  const stats: CapStats[] = [];
  for (const [task, definition] of Object.entries(registry.tasks).sort(([a], [b]) => a.localeCompare(b))) {
    if (definition.concurrency === undefined) continue;
    const queue = ctx.queueNamed(definition.queue);
    const keys = ctx.keysOf(queue);
    const parked =
      queue.priorities === true
        ? PRIORITY_LEVELS.map((level) => parkedKey(keys, task, level))
        : [parkedKey(keys, task)];
    const counts = await ctx.store.slotCounts(`${keys.slots}${task}:running`, parked);
    stats.push({ task, queue: definition.queue, cap: definition.concurrency, ...counts });
  }
  return stats;
}

/** `stats`: the counts of every queue of the registry (and of each level of a queue with levels). */
import { PRIORITY_LEVELS, type Priority } from "../policy/priority.js";
import type { ConsumerStats, QueueCounts } from "../redis/admin-store.js";
import type { AdminContext } from "./context.js";

/** What `stats` reports for one queue; for a queue with levels, the sums over its levels. */
export interface QueueStats extends QueueCounts {
  readonly queue: string;
  /** Stream key (with the key prefix); for a queue with levels, the normal level's (the queue's own). */
  readonly stream: string;
  readonly group: string;
  /** A queue with priority levels: the counts of each level, highest first. @defaultValue absent */
  readonly levels?: readonly LevelStats[];
}

/** One priority level of a queue with levels. */
export interface LevelStats {
  readonly priority: Priority;
  readonly stream: string;
  readonly length: number;
  readonly pending: number;
  readonly delayed: number;
  readonly lag: number | null;
}

export function queueStats(ctx: AdminContext): Promise<QueueStats[]> {
  return Promise.all(
    ctx.queues.map(async (queue) => {
      const keys = ctx.keysOf(queue);
      const head = { queue: queue.name, stream: keys.stream, group: queue.group };
      if (queue.priorities !== true) return { ...head, ...(await ctx.store.queueCounts(keys, queue.group)) };
      const levels = await Promise.all(
        PRIORITY_LEVELS.map(async (priority) => {
          const levelKeys = ctx.keysOf(queue, priority);
          return {
            priority,
            stream: levelKeys.stream,
            counts: await ctx.store.queueCounts(levelKeys, queue.group),
          };
        }),
      );
      const counts = levels.map((level) => level.counts);
      const sum = (read: (c: QueueCounts) => number) => counts.reduce((n, c) => n + read(c), 0);
      return {
        ...head,
        length: sum((c) => c.length),
        pending: sum((c) => c.pending),
        delayed: sum((c) => c.delayed),
        deadLetters: counts[0]?.deadLetters ?? 0, // one DLQ for every level
        lag: counts.some((c) => c.lag === null) ? null : sum((c) => c.lag ?? 0),
        groupExists: counts.every((c) => c.groupExists),
        consumers: mergeConsumers(counts.flatMap((c) => c.consumers)),
        levels: levels.map(({ priority, stream, counts: c }) => ({
          priority,
          stream,
          length: c.length,
          pending: c.pending,
          delayed: c.delayed,
          lag: c.lag,
        })),
      };
    }),
  );
}

/** One row per consumer: its pending entries summed over the levels, its least idle time. */
function mergeConsumers(consumers: readonly ConsumerStats[]): ConsumerStats[] {
  const byName = new Map<string, ConsumerStats>();
  for (const c of consumers) {
    const seen = byName.get(c.name);
    byName.set(
      c.name,
      seen === undefined
        ? c
        : { name: c.name, pending: seen.pending + c.pending, idleMs: Math.min(seen.idleMs, c.idleMs) },
    );
  }
  return [...byName.values()];
}

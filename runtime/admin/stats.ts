/**
 * `stats`: the counts of every queue of the registry, a partitioned queue's summed over its
 * partitions, a queue with priority levels' summed over its levels (and listed per level).
 */
import { PRIORITY_LEVELS, type Priority } from "../policy/priority.js";
import type { ConsumerStats, QueueCounts } from "../redis/admin-store.js";
import type { AdminContext } from "./context.js";

/** What `stats` reports for one queue. */
export interface QueueStats extends QueueCounts {
  readonly queue: string;
  /** Stream key (with the key prefix); partition 0's for a partitioned queue. */
  readonly stream: string;
  /** The stream key of each partition, by partition (one entry when the queue is not partitioned). */
  readonly streams: readonly string[];
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
      if (queue.priorities === true) return levelledStats(ctx, queue);
      const partitions = ctx.partitionsOf(queue);
      const counts = await Promise.all(partitions.map((keys) => ctx.store.queueCounts(keys, queue.group)));
      const streams = partitions.map((keys) => keys.stream);
      return { queue: queue.name, stream: streams[0] ?? "", streams, group: queue.group, ...sum(counts) };
    }),
  );
}

/** A queue with levels: its totals (its one DLQ counted once) and each level's counts. */
async function levelledStats(ctx: AdminContext, queue: AdminContext["queues"][number]): Promise<QueueStats> {
  const levels = await Promise.all(
    PRIORITY_LEVELS.map(async (priority) => {
      const keys = ctx.levelKeysOf(queue, priority);
      return { priority, stream: keys.stream, counts: await ctx.store.queueCounts(keys, queue.group) };
    }),
  );
  const stream = ctx.keysOf(queue).stream;
  const total = sum(levels.map((l) => l.counts));
  return {
    queue: queue.name,
    stream,
    streams: [stream],
    group: queue.group,
    ...total,
    deadLetters: levels[0]?.counts.deadLetters ?? 0,
    levels: levels.map(({ priority, stream: levelStream, counts }) => ({
      priority,
      stream: levelStream,
      length: counts.length,
      pending: counts.pending,
      delayed: counts.delayed,
      lag: counts.lag,
    })),
  };
}

/**
 * The counts of a queue's partitions (or levels) added up: lengths, pending, delayed and dead letters summed;
 * lag and delivered summed while every partition knows its own (else `null`); the group exists when it exists on
 * every partition; a consumer's pending summed over partitions, its idle time the least.
 */
function sum(counts: readonly QueueCounts[]): QueueCounts {
  const consumers = new Map<string, ConsumerStats>();
  for (const c of counts.flatMap((p) => p.consumers)) {
    const seen = consumers.get(c.name);
    consumers.set(
      c.name,
      seen === undefined
        ? c
        : { name: c.name, pending: seen.pending + c.pending, idleMs: Math.min(seen.idleMs, c.idleMs) },
    );
  }
  const total = (pick: (p: QueueCounts) => number): number => counts.reduce((n, p) => n + pick(p), 0);
  return {
    length: total((p) => p.length),
    pending: total((p) => p.pending),
    delayed: total((p) => p.delayed),
    deadLetters: total((p) => p.deadLetters),
    lag: counts.every((p) => p.lag !== null) ? total((p) => p.lag ?? 0) : null,
    delivered: counts.every((p) => p.delivered !== null) ? total((p) => p.delivered ?? 0) : null,
    groupExists: counts.every((p) => p.groupExists),
    consumers: [...consumers.values()].sort((a, b) => a.name.localeCompare(b.name)),
  };
}

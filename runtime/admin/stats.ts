/** `stats`: the counts of every queue of the registry, a partitioned queue's summed over its partitions. */
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
}

export function queueStats(ctx: AdminContext): Promise<QueueStats[]> {
  return Promise.all(
    ctx.queues.map(async (queue) => {
      const partitions = ctx.partitionsOf(queue);
      const counts = await Promise.all(partitions.map((keys) => ctx.store.queueCounts(keys, queue.group)));
      const streams = partitions.map((keys) => keys.stream);
      return { queue: queue.name, stream: streams[0] ?? "", streams, group: queue.group, ...sum(counts) };
    }),
  );
}

/**
 * The counts of a queue's partitions added up: lengths, pending, delayed and dead letters summed;
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

/** `stats`: the counts of every queue of the registry. */
import type { QueueCounts } from "../redis/admin-store.js";
import type { AdminContext } from "./context.js";

/** What `stats` reports for one queue. */
export interface QueueStats extends QueueCounts {
  readonly queue: string;
  /** Stream key (with the key prefix). */
  readonly stream: string;
  readonly group: string;
}

export function queueStats(ctx: AdminContext): Promise<QueueStats[]> {
  return Promise.all(
    ctx.queues.map(async (queue) => {
      const keys = ctx.keysOf(queue);
      const counts = await ctx.store.queueCounts(keys, queue.group);
      return { queue: queue.name, stream: keys.stream, group: queue.group, ...counts };
    }),
  );
}

/** `dlq purge`: deletes matching DLQ entries; a filter on the queue alone deletes whole DLQ streams. */
import type { AdminContext } from "./context.js";
import {
  DLQ_SCAN_BATCH,
  scanDeadLetters,
  type DeadLetterEntry,
  type DeadLetterFilter,
} from "./dead-letters.js";

export async function purgeDeadLetters(ctx: AdminContext, filter: DeadLetterFilter): Promise<number> {
  await ctx.store.connect();
  if (filter.type === undefined && filter.reason === undefined) {
    const selected = filter.queue === undefined ? ctx.queues : [ctx.queueNamed(filter.queue)];
    let purged = 0;
    for (const queue of selected) purged += await ctx.store.deleteDeadLetterStream(ctx.keysOf(queue).dlq);
    return purged;
  }
  let purged = 0;
  let batch: DeadLetterEntry[] = [];
  const flush = async () => {
    for (const queue of new Set(batch.map((e) => e.queue))) {
      const ids = batch.filter((e) => e.queue === queue).map((e) => e.entryId);
      purged += await ctx.store.deleteDeadLetters(ctx.keysOf(ctx.queueNamed(queue)).dlq, ids);
    }
    batch = [];
  };
  for await (const entry of scanDeadLetters(ctx, filter)) {
    batch.push(entry);
    if (batch.length >= DLQ_SCAN_BATCH) await flush();
  }
  await flush();
  return purged;
}

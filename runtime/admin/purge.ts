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
    for (const queue of selected) {
      for (const keys of ctx.partitionsOf(queue)) purged += await ctx.store.deleteDeadLetterStream(keys.dlq);
    }
    return purged;
  }
  let purged = 0;
  let batch: DeadLetterEntry[] = [];
  const flush = async () => {
    for (const where of new Set(batch.map((e) => `${e.partition}/${e.queue}`))) {
      const of = batch.filter((e) => `${e.partition}/${e.queue}` === where);
      const [first] = of;
      if (first === undefined) continue;
      const dlq = ctx.keysOf(ctx.queueNamed(first.queue), first.partition).dlq;
      purged += await ctx.store.deleteDeadLetters(
        dlq,
        of.map((e) => e.entryId),
      );
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

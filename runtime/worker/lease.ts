/**
 * Lease extension: every `leaseInterval`, the worker extends the lease of every entry whose handler
 * still runs, or whose settle step Redis refused and is sent again (settle-retry.ts), and of those
 * read ahead; other settling ones are being acked. So a live worker's long task is never reclaimed
 * and run twice. It renews the concurrency slots those tasks hold as well (policy/concurrency-cap.ts).
 */
import { renewSlots } from "../policy/concurrency-cap.js";
import type { TaskRun, WorkerState } from "./state.js";

/** One round; skipped while the previous one is still on its way. */
export async function extendLeases(worker: WorkerState): Promise<void> {
  const handling = [...worker.running].filter(holdsLease);
  // Entries read ahead are held too: nobody may reclaim them before they start.
  const readAhead = [...worker.waiting];
  const held = [...handling.map((run) => run.task), ...readAhead];
  if (held.length === 0 || worker.provider === undefined || worker.extendingLeases) return;
  worker.extendingLeases = true;
  try {
    const extended = await worker.provider.extendLease(held);
    await renewSlots(worker, handling);
    const stillHandling = handling.filter((run) => worker.running.has(run) && holdsLease(run));
    const stillWaiting = readAhead.filter((task) => worker.waiting.includes(task));
    if (extended < stillHandling.length + stillWaiting.length) {
      worker.logger.warn(
        { handling: stillHandling.length, readAhead: stillWaiting.length, extended },
        "another consumer took over in-flight entries (were they stalled past the claim idle time?)",
      );
    }
  } catch (error) {
    worker.logger.warn(
      { err: error, count: handling.length },
      "could not extend the lease of in-flight tasks",
    );
  } finally {
    worker.extendingLeases = false;
  }
}

function holdsLease(run: TaskRun): boolean {
  return run.phase === "handling" || run.settleRetrying;
}

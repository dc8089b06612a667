/**
 * The schema's policies a worker runs beside its fetch loop: the scheduler (scheduler.ts) and the
 * sweep that puts parked tasks of capped types back into slots freed by expired leases
 * (concurrency-cap.ts). The checks at the start of each attempt are in admission.ts.
 */
import type { Provider } from "../worker/provider.js";
import type { WorkerState } from "../worker/state.js";
import { sweepParked } from "./concurrency-cap.js";
import { startScheduler } from "./scheduler.js";

/** Starts them; resolves with a function that stops them. */
export async function startPolicies(worker: WorkerState, provider: Provider): Promise<() => Promise<void>> {
  const stopScheduler = await startScheduler({
    registry: worker.registry,
    queues: worker.options.queues,
    handled: new Set(Object.keys(worker.handlers)),
    store: provider.policy,
    logger: worker.logger.child({ component: "scheduler" }),
  });
  const stopSweep = sweepParked(worker, provider, worker.options.leaseIntervalMs);
  return async () => {
    stopSweep();
    await stopScheduler();
  };
}

/**
 * A task's `concurrency: N`: at most N tasks of that type run at once across all workers. Each
 * running task holds a slot, a lease in Redis (holder → deadline) that the worker's lease loop
 * renews; a worker that dies (SIGKILL) renews nothing, so its slots free when their leases end,
 * without its goodbye. A task that finds every slot held is parked (SLOT_PARK: off the stream into
 * its type's parked list, no retry or delivery counted) until a slot frees: the worker releasing a
 * slot puts the oldest parked task (of the highest level, on a queue with priority levels) back on
 * its stream, and every worker sweeps its capped types' parked lists each lease interval, for slots
 * freed by expired leases.
 */
import type { TaskDefinition } from "../types.js";
import type { Provider } from "../worker/provider.js";
import type { TaskRun, WorkerState } from "../worker/state.js";

/** The runs that hold a slot of their type. */
const holders = new WeakSet<TaskRun>();

/** `true` when the task was parked (or taken over by another consumer) instead of getting a slot. */
export async function waitForSlot(
  worker: WorkerState,
  run: TaskRun,
  definition: TaskDefinition,
  provider: Provider,
): Promise<boolean> {
  const cap = definition.concurrency;
  if (cap === undefined) return false;
  const { task } = run;
  if (!(await provider.policy.acquireSlot(task, cap))) {
    const outcome = await provider.policy.parkForSlot(task, cap);
    if (outcome !== "acquired") {
      if (outcome === "parked") {
        worker.metrics.recordThrottled(definition.name, "concurrency", 0);
        worker.logger.debug({ taskId: task.id, type: definition.name, cap }, "every slot held: parked");
      }
      return true;
    }
  }
  holders.add(run);
  return false;
}

/** Frees the run's slot, if it holds one, and wakes a parked task of its type; never rejects. */
export async function releaseSlot(worker: WorkerState, run: TaskRun): Promise<void> {
  if (!holders.delete(run) || worker.provider === undefined) return;
  const type = run.task.type ?? "";
  const cap = worker.registry.tasks[type]?.concurrency ?? 0;
  try {
    await worker.provider.policy.releaseSlot(run.task, cap);
  } catch (error) {
    worker.logger.warn(
      { err: error, taskId: run.task.id },
      "could not free a concurrency slot; its lease frees it",
    );
  }
}

/** Renews the leases of the slots these runs hold (the lease loop calls it). */
export async function renewSlots(worker: WorkerState, runs: readonly TaskRun[]): Promise<void> {
  const held = runs.filter((run) => holders.has(run)).map((run) => run.task);
  if (held.length > 0 && worker.provider !== undefined) await worker.provider.policy.renewSlots(held);
}

/**
 * Puts parked tasks back into slots freed without a release: every `intervalMs` for the capped
 * types this worker handles (slots of dead workers free when their leases end), and once at start
 * for its uncapped types (all their parked tasks: the schema dropped their cap). Returns a stop function.
 */
export function sweepParked(worker: WorkerState, provider: Provider, intervalMs: number): () => void {
  const handled = Object.keys(worker.handlers).flatMap((type) => {
    const definition = Object.hasOwn(worker.registry.tasks, type) ? worker.registry.tasks[type] : undefined;
    return definition !== undefined && worker.options.queues.includes(definition.queue) ? [definition] : [];
  });
  const capped = handled.filter((definition) => definition.concurrency !== undefined);
  const sweep = async (types: readonly TaskDefinition[]): Promise<void> => {
    const moved = await Promise.all(
      types.map((definition) =>
        provider.policy.sweepSlots(definition.queue, definition.name, definition.concurrency ?? 0),
      ),
    );
    types.forEach((definition, i) => {
      if ((moved[i] ?? 0) > 0)
        worker.logger.info({ type: definition.name, moved: moved[i] }, "parked tasks back in free slots");
    });
  };
  const onError = (error: unknown): void =>
    worker.logger.warn({ err: error }, "could not sweep parked tasks");
  void sweep(handled.filter((definition) => definition.concurrency === undefined)).catch(onError);
  if (capped.length === 0) return () => {};
  let sweeping = false;
  const timer = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    void sweep(capped)
      .catch(onError)
      .finally(() => (sweeping = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

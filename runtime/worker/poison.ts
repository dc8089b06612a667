/**
 * The poison check at the start of an attempt: an entry whose workers keep dying or stalling on it
 * goes to the DLQ with reason `poison` instead of running again.
 *
 * The delivery count alone overcounts: a worker reads ahead (fetch-loop.ts), and when it dies the
 * entries it held but never started are reclaimed with one more delivery each. So each redelivery
 * that starts is counted in Redis (Provider.recordStart), and an entry is poison only when it was
 * delivered more than `maxDeliveries` times and started on at least `maxDeliveries` of them (the
 * first delivery is not recorded; it is taken as started). First deliveries cost nothing here.
 */
import type { DeliveredTask, Provider } from "./provider.js";
import type { WorkerState } from "./state.js";

/**
 * Why `task`, a redelivery (delivery count 2 or more), is poison; `undefined` when it may run (its
 * start is then recorded).
 */
export async function poisonReason(
  worker: WorkerState,
  task: DeliveredTask,
  provider: Provider,
): Promise<string | undefined> {
  const { deliveryCount } = task;
  const { maxDeliveries } = worker.options;
  const delivered = `delivered ${deliveryCount} times (limit ${maxDeliveries})`;
  const why = "its workers keep dying or stalling on it";
  let recorded: number;
  try {
    recorded = await provider.recordStart(task);
  } catch (error) {
    // Without the count of starts, count deliveries: the task is never lost, at worst dead-lettered.
    worker.logger.warn(
      { err: error, taskId: task.id, entryId: task.entryId },
      "could not record the start of a redelivered task; the poison check counts its deliveries",
    );
    return deliveryCount > maxDeliveries ? `${delivered}: ${why}` : undefined;
  }
  // Deliveries it started on before this one: the first (never recorded, taken as started) and the
  // redeliveries recorded before this one, `recorded - 1`.
  const started = recorded;
  if (deliveryCount > maxDeliveries && started >= maxDeliveries) {
    return `${delivered}, started ${started} times: ${why}`;
  }
  return undefined;
}

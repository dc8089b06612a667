/**
 * Settling a task: one atomic provider step (ack, retry, hand-back or dead-letter), counted and logged. A
 * step that Redis refuses or cannot take is sent again until it goes through (settle-retry.ts). A
 * step that finds the entry owned by another consumer, or that a forced shutdown abandons, leaves
 * the entry to the group: pending, to be reclaimed.
 */
import type { AttemptContext } from "./attempt-context.js";
import type { DeadLetterDetails, DeliveredTask, Provider } from "./provider.js";
import { settleUntilDone } from "./settle-retry.js";
import type { TaskRun, WorkerState } from "./state.js";

/** Marks the run settling (its slot frees), then runs `step`; never rejects. */
export async function settle(
  worker: WorkerState,
  run: TaskRun,
  ctx: AttemptContext,
  typeLabel: string,
  step: () => Promise<boolean>,
): Promise<void> {
  run.phase = "settling";
  worker.settling++;
  worker.wake();
  try {
    const result = await settleUntilDone(run, ctx, step);
    if (result === "abandoned") {
      worker.metrics.recordOutcome(typeLabel, "abandoned");
      ctx.logger.warn("worker stopped before Redis took the settle step; the task stays pending");
    } else if (!result) {
      ctx.logger.warn("entry was reclaimed by another consumer before this one settled it; left to that one");
    }
  } catch (error) {
    worker.metrics.recordOutcome(typeLabel, "abandoned");
    ctx.logger.error({ err: error }, "could not settle the task; it stays pending and will be reclaimed");
  }
}

/** Success: ack. */
export function ackStep(
  worker: WorkerState,
  provider: Provider,
  task: DeliveredTask,
  typeLabel: string,
): Promise<boolean> {
  return provider.ack(task).then((owned) => {
    worker.metrics.recordOutcome(typeLabel, owned ? "success" : "reclaimed");
    return owned;
  });
}

/** A failure with retries left: schedule it again after `delayMs`. */
export async function retryStep(
  worker: WorkerState,
  provider: Provider,
  task: DeliveredTask,
  ctx: AttemptContext,
  typeLabel: string,
  delayMs: number,
  failure: Error,
): Promise<boolean> {
  const owned = await provider.retry(task, delayMs, failure.message);
  worker.metrics.recordOutcome(typeLabel, owned ? "retry" : "reclaimed");
  if (owned) ctx.logger.info({ delayMs, retry: task.retry + 1 }, "task retry scheduled");
  return owned;
}

/** An entry of a newer payload version: handed back for a newer worker, without counting a retry. */
export async function deferStep(
  worker: WorkerState,
  provider: Provider,
  task: DeliveredTask,
  typeLabel: string,
  delayMs: number,
): Promise<boolean> {
  const owned = await provider.defer(task, delayMs);
  worker.metrics.recordOutcome(typeLabel, owned ? "deferred" : "reclaimed");
  return owned;
}

/** Poison, rejected, permanent or out of retries: to the DLQ with `details.reason`. */
export async function deadLetterStep(
  worker: WorkerState,
  provider: Provider,
  run: TaskRun,
  ctx: AttemptContext,
  typeLabel: string,
  details: DeadLetterDetails,
): Promise<boolean> {
  const owned = await provider.deadLetter(run.task, details);
  if (owned) {
    worker.metrics.recordOutcome(typeLabel, "dead_letter", details.reason);
    ctx.logger.error({ reason: details.reason, error: details.error }, "task moved to the dead-letter queue");
  } else {
    worker.metrics.recordOutcome(typeLabel, "reclaimed");
  }
  return owned;
}

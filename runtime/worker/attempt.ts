/**
 * One attempt of one task: the poison check, the run through the middleware onion to the handler,
 * then the settle step its outcome calls for (settle.ts): success → ack; failure → retry or
 * dead-letter (retry-policy.ts decides); aborted by a forced shutdown → left pending.
 */
import { metricsTypeLabel } from "../observe/metrics.js";
import { holdBack } from "../policy/admission.js";
import { releaseSlot } from "../policy/concurrency-cap.js";
import { AttemptContext } from "./attempt-context.js";
import type { TaskStep } from "./middleware/compose.js";
import { toError } from "./middleware/recovery.js";
import type { Provider } from "./provider.js";
import { poisonReason } from "./poison.js";
import { failureDisposition } from "./retry-policy.js";
import { ackStep, deadLetterStep, retryStep, deferStep, settle } from "./settle.js";
import type { TaskRun, WorkerState } from "./state.js";
import { resolveTaskSettings } from "./task-settings.js";
import type { TaskDefinition } from "../types.js";

/** Handles and settles one task; never rejects. */
export async function processTask(
  worker: WorkerState,
  run: TaskRun,
  onion: TaskStep,
  provider: Provider,
): Promise<void> {
  try {
    await attempt(worker, run, onion, provider);
  } catch (error) {
    worker.logger.error({ err: error, taskId: run.task.id }, "worker error");
  } finally {
    await releaseSlot(worker, run);
    worker.running.delete(run);
    if (run.phase === "settling") worker.settling--;
    worker.wake();
  }
}

async function attempt(
  worker: WorkerState,
  run: TaskRun,
  onion: TaskStep,
  provider: Provider,
): Promise<void> {
  const { task } = run;
  const { options } = worker;
  const definition = definitionOf(worker, task.type);
  const settings = resolveTaskSettings(task, definition, options);
  const ctx = new AttemptContext(task, definition, settings.maxRetries, settings.timeoutMs, options.logger);
  run.context = ctx;
  const typeLabel = metricsTypeLabel(ctx);
  // A first delivery is never poison: no Redis call on the hot path.
  const error = task.deliveryCount < 2 ? undefined : await poisonReason(worker, task, provider);
  if (error !== undefined) {
    await settle(worker, run, ctx, typeLabel, () =>
      deadLetterStep(worker, provider, run, ctx, typeLabel, { reason: "poison", error }),
    );
    return;
  }
  if (definition !== undefined && (await holdBack(worker, run, definition, provider))) return;
  let failure: Error | undefined;
  try {
    await onion(ctx);
  } catch (error) {
    failure = toError(error);
  }
  // Abandoned by a forced shutdown (worker.ts counted and logged it): left pending, whatever came of it.
  if (run.abandoned) return;
  if (failure === undefined) {
    await settle(worker, run, ctx, typeLabel, () => ackStep(worker, provider, task, typeLabel));
    return;
  }
  const disposition = failureDisposition(failure, task.retry, settings);
  if (disposition.kind === "retry") {
    await settle(worker, run, ctx, typeLabel, () =>
      retryStep(worker, provider, task, ctx, typeLabel, disposition.delayMs, failure),
    );
  } else if (disposition.kind === "defer") {
    await settle(worker, run, ctx, typeLabel, () =>
      deferStep(worker, provider, task, typeLabel, disposition.delayMs),
    );
  } else {
    await settle(worker, run, ctx, typeLabel, () =>
      deadLetterStep(worker, provider, run, ctx, typeLabel, disposition.details),
    );
  }
}

/** The definition of a type this worker has a handler for; `undefined` otherwise. */
function definitionOf(worker: WorkerState, type: string | undefined): TaskDefinition | undefined {
  if (type === undefined || !Object.hasOwn(worker.handlers, type)) return undefined;
  return Object.hasOwn(worker.registry.tasks, type) ? worker.registry.tasks[type] : undefined;
}

/**
 * The settings of one delivered task, resolved with jobgen's precedence: the entry's own fields
 * (what `enqueue` wrote) > the schema task (with the schema's `defaults`) > worker options >
 * library defaults. An absent or zero field on the entry (Go writes `0s` for "no timeout") inherits.
 */
import type { ResolvedBackoffPolicy } from "../backoff.js";
import { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS } from "../defaults.js";
import type { DeliveredTask } from "./provider.js";
import type { TaskDefinition } from "../types.js";
import type { ResolvedWorkerOptions } from "./options.js";

export interface TaskSettings {
  /** Retries allowed after the first attempt. */
  readonly maxRetries: number;
  /** Per-attempt timeout in ms. */
  readonly timeoutMs: number;
  readonly backoff: ResolvedBackoffPolicy;
}

export type WorkerTaskDefaults = Pick<
  ResolvedWorkerOptions,
  "backoffStrategy" | "baseBackoffMs" | "maxBackoffMs" | "backoffJitter"
>;

export function resolveTaskSettings(
  task: Pick<DeliveredTask, "maxRetry" | "timeoutMs">,
  definition: TaskDefinition | undefined,
  worker: WorkerTaskDefaults,
): TaskSettings {
  const backoff = definition?.backoff;
  return {
    maxRetries: task.maxRetry ?? definition?.maxRetries ?? DEFAULT_MAX_RETRIES,
    timeoutMs: positive(task.timeoutMs) ?? definition?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    backoff: {
      strategy: backoff?.strategy ?? worker.backoffStrategy,
      baseMs: backoff?.baseMs ?? worker.baseBackoffMs,
      maxMs: backoff?.maxMs ?? worker.maxBackoffMs,
      jitter: backoff?.jitter ?? worker.backoffJitter,
    },
  };
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && value > 0 ? value : undefined;
}

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
  // Tasks of a type mostly carry the same fields: their settings are one shared (frozen) object.
  const key = definition ?? NO_DEFINITION;
  const last = lastSettings.get(key);
  if (
    last !== undefined &&
    last.worker === worker &&
    last.maxRetry === task.maxRetry &&
    last.timeoutMs === task.timeoutMs
  ) {
    return last.settings;
  }
  const settings = Object.freeze(computeSettings(task, definition, worker));
  lastSettings.set(key, { worker, maxRetry: task.maxRetry, timeoutMs: task.timeoutMs, settings });
  return settings;
}

/** The settings last resolved per task type, and what they were resolved from. */
const lastSettings = new WeakMap<
  object,
  {
    readonly worker: WorkerTaskDefaults;
    readonly maxRetry: number | undefined;
    readonly timeoutMs: number | undefined;
    readonly settings: TaskSettings;
  }
>();
const NO_DEFINITION = {};

function computeSettings(
  task: Pick<DeliveredTask, "maxRetry" | "timeoutMs">,
  definition: TaskDefinition | undefined,
  worker: WorkerTaskDefaults,
): TaskSettings {
  const backoff = definition?.backoff;
  return {
    maxRetries: task.maxRetry ?? definition?.maxRetries ?? DEFAULT_MAX_RETRIES,
    timeoutMs: positive(task.timeoutMs) ?? definition?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    backoff: Object.freeze({
      strategy: backoff?.strategy ?? worker.backoffStrategy,
      baseMs: backoff?.baseMs ?? worker.baseBackoffMs,
      maxMs: backoff?.maxMs ?? worker.maxBackoffMs,
      jitter: backoff?.jitter ?? worker.backoffJitter,
    }),
  };
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && value > 0 ? value : undefined;
}

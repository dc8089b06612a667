/**
 * What the worker's parts share (worker.ts owns it; fetch-loop.ts, attempt.ts, settle.ts and
 * lease.ts read and update it): the resolved options, the tasks held from fetch to settle, and
 * the wake-up of whoever waits for a slot or for the drain.
 */
import type { Logger } from "pino";
import type { MetricsCollector } from "../observe/metrics.js";
import type { AnyHandler, TaskRegistry } from "../types.js";
import type { AttemptContext } from "./attempt-context.js";
import type { ResolvedWorkerOptions } from "./options.js";
import type { DeliveredTask, Provider } from "./provider.js";

/** One task this worker holds, from fetch to settle. */
export interface TaskRun {
  readonly task: DeliveredTask;
  /** `handling` until the onion settles, then `settling` (the provider step). */
  phase: "handling" | "settling";
  /** Its settle step failed and is being sent again (settle-retry.ts): its lease is still extended. */
  settleRetrying: boolean;
  /** Set by a forced shutdown: the task is left pending, whatever its handler does later. */
  abandoned: boolean;
  /** The attempt's context, once made. */
  context: AttemptContext | undefined;
  /** Ends the wait for the next try of its settle step at once (forced shutdown; settle-retry.ts). */
  interrupt: (reason: Error) => void;
}

export type Lifecycle = "new" | "running" | "stopping" | "stopped";

export interface WorkerState {
  readonly registry: TaskRegistry;
  readonly options: ResolvedWorkerOptions;
  readonly handlers: Readonly<Record<string, AnyHandler>>;
  readonly metrics: MetricsCollector;
  /** The worker's own logger (`component: worker`). */
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
  /** Set once started. */
  readonly provider: Provider | undefined;
  /** Fetched ahead, not started yet (fetch-loop.ts); handed back at shutdown (hand-back.ts). */
  readonly waiting: DeliveredTask[];
  /** Every task started, from its attempt to its settle step. */
  readonly running: Set<TaskRun>;
  /** Of those, how many are settling (their handler is done). */
  settling: number;
  /** A lease extension round is on its way (lease.ts). */
  extendingLeases: boolean;
  /** Wakes the fetch loop waiting for a free slot, or `stop()` waiting for the drain. */
  wake: () => void;
}

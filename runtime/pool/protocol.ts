/** The messages between a pool's primary process and its worker processes (cluster IPC). */
import type { MetricsSnapshot } from "../observe/metrics.js";

/** Primary → worker process: drain and exit. */
export interface StopMessage {
  readonly jobgenPool: "stop";
}

/** Worker process → primary. */
export type ChildMessage =
  /** Its worker started consuming. */
  | { readonly jobgenPool: "started" }
  /** Its worker could not be made or started: the message says why. */
  | { readonly jobgenPool: "failed"; readonly error: string }
  /** Its worker's counters now (sent every second, and once more after the worker stopped). */
  | { readonly jobgenPool: "metrics"; readonly snapshot: MetricsSnapshot };

/** Whether an IPC message is one of the pool's (an app may send its own). */
export function isPoolMessage(message: unknown): message is ChildMessage | StopMessage {
  return typeof message === "object" && message !== null && "jobgenPool" in message;
}

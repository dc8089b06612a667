/**
 * The seam between the schema's policies (this folder) and Redis: the atomic steps behind schedule
 * ticks, rate limits and the global concurrency cap. The Redis provider implements it
 * (redis/provider/policy.ts); every step runs on keys of the task's queue, on the Redis clock.
 */
import type { DeliveredTask } from "../worker/provider.js";
import type { Priority } from "./priority.js";

/** What became of one schedule tick. */
export type TickOutcome = "enqueued" | "done" | "full";

/** What became of a task that found every slot of its type held. */
export type ParkOutcome = "parked" | "acquired" | "lost";

export interface PolicyStore {
  /**
   * Enqueues the entry `fields` for `tickMs` of `schedule` unless that tick (or a later one) was; at
   * `level` on a queue with priority levels.
   */
  scheduleTick(
    queue: string,
    schedule: string,
    tickMs: number,
    fields: readonly string[],
    level?: Priority,
  ): Promise<TickOutcome>;
  /** The last tick enqueued of each schedule of `queue`, by name. */
  lastTicks(queue: string): Promise<Map<string, number>>;
  /** Deletes the state of the schedules of `queue` not in `keep`; resolves with their names. */
  forgetSchedules(queue: string, keep: readonly string[]): Promise<string[]>;
  /**
   * GCRA over the bucket: 0 when the task starts now, else the ms until the start reserved for it
   * (it then waits for it: {@link waitUntilStart}).
   */
  admitRate(task: DeliveredTask, bucket: string, intervalMs: number): Promise<number>;
  /** The task back into the delayed set, due in `delayMs`, retries and deliveries untouched; `false` when no longer owned. */
  waitUntilStart(task: DeliveredTask, delayMs: number): Promise<boolean>;
  /** Takes (or renews) a running slot of the task's type for this entry; `false` when all `cap` are held. */
  acquireSlot(task: DeliveredTask, cap: number): Promise<boolean>;
  /** Parks the task until a slot frees (or takes one that freed meanwhile). */
  parkForSlot(task: DeliveredTask, cap: number): Promise<ParkOutcome>;
  /** Frees the entry's slot and moves parked tasks of its type into free slots. */
  releaseSlot(task: DeliveredTask, cap: number): Promise<void>;
  /** Renews the leases of the slots these entries hold. */
  renewSlots(tasks: readonly DeliveredTask[]): Promise<void>;
  /** Drops expired leases of `type` and moves its parked tasks into free slots (`cap` 0: all of them). */
  sweepSlots(queue: string, type: string, cap: number): Promise<number>;
}

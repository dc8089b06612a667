/**
 * The seam between the worker and the queue system, as in the Go package (Fetch, Ack, Nack,
 * Close), widened to the transitions jobgen makes atomic. The Redis Streams provider
 * (redis/provider/) is the one implementation; it is the only module that talks to Redis.
 */
import type { Priority } from "../policy/priority.js";
import type { PolicyStore } from "../policy/store.js";
import type { DeadLetterReason } from "../wire/dead-letter.js";

/** One stream entry as delivered to this consumer: decoded, not yet validated. */
export interface DeliveredTask {
  /** Queue name (schema key). */
  readonly queue: string;
  /** The level whose stream it was read from, for a queue with priority levels; else `undefined`. */
  readonly priority?: Priority | undefined;
  /** The partition of a partitioned queue the entry was read from (redis/partitions.ts); absent: 0. */
  readonly partition?: number | undefined;
  /** Stream entry id (`1700000000000-0`). */
  readonly entryId: string;
  /** Stable task id; for entries without one (Go producer), the entry id. */
  readonly id: string;
  /** Wire name of the task type; `undefined` when the entry has none. */
  readonly type: string | undefined;
  /** The `payload` field as written (JSON text); `undefined` when missing. */
  readonly payload: string | undefined;
  /** Retries already done (`retry` field). */
  readonly retry: number;
  /** `max_retry` field when present. */
  readonly maxRetry: number | undefined;
  /** `timeout` field in ms when present. */
  readonly timeoutMs: number | undefined;
  readonly metadata: Readonly<Record<string, string>>;
  readonly correlationId: string | undefined;
  readonly createdAt: Date;
  /** Times the consumer group has delivered this entry (1 on first delivery). */
  readonly deliveryCount: number;
  /** Every field of the entry as read, for the DLQ record and for diagnostics. */
  readonly fields: Readonly<Record<string, string>>;
  /** Fields whose bytes were not valid UTF-8 (their text in `fields` carries U+FFFD). @defaultValue none */
  readonly invalidUtf8Fields?: readonly string[] | undefined;
}

/** What a dead-letter record says about why. */
export interface DeadLetterDetails {
  readonly reason: DeadLetterReason;
  /** Human-readable last error or validation summary. */
  readonly error: string;
  /** Structured details (validation issues, stack of the last error, ...), JSON-serialisable. */
  readonly details?: unknown | undefined;
}

export interface Provider {
  /** This provider's consumer name in every consumer group it reads. */
  readonly consumer: string;
  /**
   * Idle time after which another consumer reclaims an entry. A worker calls {@link extendLease}
   * for its in-flight tasks well within it (for example every third of it).
   */
  readonly claimMinIdleMs: number;
  /** Starts consuming: creates consumer groups (MKSTREAM, from `0`) for the given queues. `fetch` calls it when nobody did. */
  start(): Promise<void>;
  /**
   * Up to `max` tasks for this consumer: stale entries reclaimed from dead consumers first, then
   * new ones (blocking up to the configured block time). Promotes due delayed tasks on the way.
   * Resolves with an empty list when nothing came or `signal` aborted.
   */
  fetch(max: number, signal: AbortSignal): Promise<DeliveredTask[]>;
  /** Acknowledges a handled task; `false` when this consumer no longer owns the entry. */
  ack(task: DeliveredTask): Promise<boolean>;
  /** Atomically: schedule the task again after `delayMs` (retry counter + 1) and ack this entry. */
  retry(task: DeliveredTask, delayMs: number, error: string): Promise<boolean>;
  /**
   * Atomically: schedule the task again after `delayMs` without counting a retry (its `deferrals`
   * + 1) and ack this entry; for an entry of a payload version only a newer worker reads.
   */
  defer(task: DeliveredTask, delayMs: number): Promise<boolean>;
  /** Atomically: write the task to its queue's DLQ with the details and ack this entry. */
  deadLetter(task: DeliveredTask, details: DeadLetterDetails): Promise<boolean>;
  /**
   * Keeps in-flight entries owned by this consumer (resets their idle time) so nobody reclaims
   * them; entries it no longer owns are left alone. Resolves with the number extended.
   */
  extendLease(tasks: readonly DeliveredTask[]): Promise<number>;
  /**
   * Gives back entries fetched but never started, and any the provider fetched beyond what it
   * handed out, so another consumer of the group reclaims them at once rather than after the claim
   * idle time; their delivery does not count. Entries it no longer owns are left alone. Resolves
   * with the number handed back.
   */
  handBack(notStarted: readonly DeliveredTask[]): Promise<number>;
  /**
   * At the end of a shutdown: hands back, as {@link handBack}, every entry still pending on this
   * consumer but `keep` (such as what a read cut short by the stop had delivered).
   */
  handBackRest(keep: readonly DeliveredTask[]): Promise<number>;
  /**
   * Records that a redelivery of `task` (delivery count 2 or more) starts, for the poison check
   * (worker/poison.ts); resolves with the number of its redeliveries recorded as started, this one
   * included. The first delivery is never recorded.
   */
  recordStart(task: DeliveredTask): Promise<number>;
  /** The steps of the schema's policies: schedules, rate limits, the concurrency cap. */
  readonly policy: PolicyStore;
  /** Stops blocking reads and closes connections. */
  close(): Promise<void>;
}

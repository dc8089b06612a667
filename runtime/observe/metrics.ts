/**
 * In-process metrics of one worker: plain counters read through {@link MetricsCollector.snapshot}.
 * No exporter here; a Prometheus (or other) adapter reads snapshots.
 */
import type { DeadLetterReason } from "../wire/dead-letter.js";
import type { MiddlewareContext } from "../worker/middleware/compose.js";

/**
 * What happened to a task after an attempt (or before one, for `poison`):
 * - `success`: handled and acked;
 * - `retry`: scheduled again with backoff (this counter is the retry count);
 * - `dead_letter`: moved to the DLQ (see `deadLettered` for the reasons, `poison` included);
 * - `abandoned`: left pending without a transition (aborted by a forced shutdown, or the
 *   transition failed on Redis), to be reclaimed and retried;
 * - `reclaimed`: another consumer took the entry over before this one could settle it.
 */
export type TaskOutcome = "success" | "retry" | "deferred" | "dead_letter" | "abandoned" | "reclaimed";

/** The policies that hold a task back before it starts (runtime/policy/). */
export type ThrottlePolicy = "rate_limit" | "concurrency";

/** Tasks of one type held back by one policy. */
export interface ThrottleSummary {
  /** Times a task was held back. */
  readonly count: number;
  /** Time they were told to wait, in ms (the rate limit's reserved starts; a parked task's wait is not known ahead). */
  readonly waitMs: number;
}

/** Upper bounds (ms) of the duration buckets. */
export const DURATION_BUCKETS_MS: readonly number[] = [
  5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000,
];

/** Attempt durations of one task type, Prometheus-histogram style. */
export interface DurationSummary {
  /** Attempts measured. */
  readonly count: number;
  /** Sum of their durations in ms. */
  readonly sumMs: number;
  /** Cumulative: attempts that took at most `leMs` (the `+Inf` bucket is `count`). */
  readonly buckets: readonly { readonly leMs: number; readonly count: number }[];
}

/** A plain, detached copy of the counters. */
export interface MetricsSnapshot {
  /** Tasks by type, then by outcome. Types this worker does not know are counted as `(unknown)`. */
  readonly processed: Readonly<Record<string, Readonly<Partial<Record<TaskOutcome, number>>>>>;
  /** Attempt durations (through the onion, handler included) by task type. */
  readonly durations: Readonly<Record<string, DurationSummary>>;
  /** Tasks moved to the DLQ, by reason. */
  readonly deadLettered: Readonly<Partial<Record<DeadLetterReason, number>>>;
  /** Attempts running now. */
  readonly inFlight: number;
  /** Fetches from the queue that failed (Redis down, ...). */
  readonly fetchErrors: number;
  /** Tasks held back before they started, by type, then by policy. */
  readonly throttled: Readonly<Record<string, Readonly<Partial<Record<ThrottlePolicy, ThrottleSummary>>>>>;
}

/** The type label of a task: its wire name, or `(unknown)` when this worker does not know it. */
export function metricsTypeLabel(ctx: Pick<MiddlewareContext, "type" | "definition">): string {
  return ctx.definition !== undefined && ctx.type !== undefined ? ctx.type : "(unknown)";
}

interface MutableSummary {
  count: number;
  sumMs: number;
  bucketCounts: number[];
}

export class MetricsCollector {
  private readonly processed = new Map<string, Map<TaskOutcome, number>>();
  private readonly durations = new Map<string, MutableSummary>();
  private readonly deadLettered = new Map<DeadLetterReason, number>();
  private inFlight = 0;
  private fetchErrors = 0;
  private readonly throttled = new Map<string, Map<ThrottlePolicy, { count: number; waitMs: number }>>();

  attemptStarted(): void {
    this.inFlight++;
  }

  attemptFinished(type: string, durationMs: number): void {
    this.inFlight--;
    let summary = this.durations.get(type);
    if (summary === undefined) {
      summary = { count: 0, sumMs: 0, bucketCounts: DURATION_BUCKETS_MS.map(() => 0) };
      this.durations.set(type, summary);
    }
    summary.count++;
    summary.sumMs += durationMs;
    const counts = summary.bucketCounts;
    for (let i = DURATION_BUCKETS_MS.length - 1; i >= 0 && durationMs <= (DURATION_BUCKETS_MS[i] ?? 0); i--) {
      counts[i] = (counts[i] ?? 0) + 1;
    }
  }

  /** Records what happened to a task; `reason` is required for `dead_letter`. */
  recordOutcome(type: string, outcome: TaskOutcome, reason?: DeadLetterReason): void {
    let byOutcome = this.processed.get(type);
    if (byOutcome === undefined) {
      byOutcome = new Map();
      this.processed.set(type, byOutcome);
    }
    byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1);
    if (outcome === "dead_letter" && reason !== undefined) {
      this.deadLettered.set(reason, (this.deadLettered.get(reason) ?? 0) + 1);
    }
  }

  recordFetchError(): void {
    this.fetchErrors++;
  }

  /** A task of `type` held back by `policy`, told to wait `waitMs` (0 when not known ahead). */
  recordThrottled(type: string, policy: ThrottlePolicy, waitMs: number): void {
    let byPolicy = this.throttled.get(type);
    if (byPolicy === undefined) this.throttled.set(type, (byPolicy = new Map()));
    const summary = byPolicy.get(policy) ?? { count: 0, waitMs: 0 };
    byPolicy.set(policy, { count: summary.count + 1, waitMs: summary.waitMs + waitMs });
  }

  snapshot(): MetricsSnapshot {
    return {
      processed: Object.fromEntries(
        [...this.processed].map(([type, byOutcome]) => [type, Object.fromEntries(byOutcome)]),
      ),
      durations: Object.fromEntries(
        [...this.durations].map(([type, s]) => [
          type,
          {
            count: s.count,
            sumMs: s.sumMs,
            buckets: DURATION_BUCKETS_MS.map((leMs, i) => ({ leMs, count: s.bucketCounts[i] ?? 0 })),
          },
        ]),
      ),
      deadLettered: Object.fromEntries(this.deadLettered),
      inFlight: this.inFlight,
      fetchErrors: this.fetchErrors,
      throttled: Object.fromEntries(
        [...this.throttled].map(([type, byPolicy]) => [type, Object.fromEntries(byPolicy)]),
      ),
    };
  }
}

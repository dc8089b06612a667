/** The counters of several workers as one snapshot: sums by type, outcome, bucket and reason. */
import {
  DURATION_BUCKETS_MS,
  type DurationSummary,
  type MetricsSnapshot,
  type TaskOutcome,
  type ThrottlePolicy,
  type ThrottleSummary,
} from "../observe/metrics.js";
import type { DeadLetterReason } from "../wire/dead-letter.js";

export function mergeMetrics(snapshots: readonly MetricsSnapshot[]): MetricsSnapshot {
  const processed: Record<string, Partial<Record<TaskOutcome, number>>> = {};
  const durations: Record<string, { count: number; sumMs: number; counts: number[] }> = {};
  const deadLettered: Partial<Record<DeadLetterReason, number>> = {};
  const throttled: Record<string, Partial<Record<ThrottlePolicy, { count: number; waitMs: number }>>> = {};
  let inFlight = 0;
  let fetchErrors = 0;
  for (const snapshot of snapshots) {
    for (const [type, byOutcome] of Object.entries(snapshot.processed)) {
      const into = (processed[type] ??= {});
      for (const [outcome, count] of Object.entries(byOutcome) as [TaskOutcome, number][]) {
        into[outcome] = (into[outcome] ?? 0) + count;
      }
    }
    for (const [type, summary] of Object.entries(snapshot.durations)) {
      const into = (durations[type] ??= { count: 0, sumMs: 0, counts: DURATION_BUCKETS_MS.map(() => 0) });
      into.count += summary.count;
      into.sumMs += summary.sumMs;
      summary.buckets.forEach((bucket, i) => (into.counts[i] = (into.counts[i] ?? 0) + bucket.count));
    }
    for (const [reason, count] of Object.entries(snapshot.deadLettered) as [DeadLetterReason, number][]) {
      deadLettered[reason] = (deadLettered[reason] ?? 0) + count;
    }
    for (const [type, byPolicy] of Object.entries(snapshot.throttled)) {
      const into = (throttled[type] ??= {});
      for (const [policy, summary] of Object.entries(byPolicy) as [ThrottlePolicy, ThrottleSummary][]) {
        const sum = (into[policy] ??= { count: 0, waitMs: 0 });
        sum.count += summary.count;
        sum.waitMs += summary.waitMs;
      }
    }
    inFlight += snapshot.inFlight;
    fetchErrors += snapshot.fetchErrors;
  }
  return {
    processed,
    durations: Object.fromEntries(
      Object.entries(durations).map(([type, d]): [string, DurationSummary] => [
        type,
        {
          count: d.count,
          sumMs: d.sumMs,
          buckets: DURATION_BUCKETS_MS.map((leMs, i) => ({ leMs, count: d.counts[i] ?? 0 })),
        },
      ]),
    ),
    deadLettered,
    inFlight,
    fetchErrors,
    throttled,
  };
}

/** How big and how often: the full run (issue #5's sizes) and the quick run (under a minute). */

export interface BenchSettings {
  readonly mode: "full" | "quick";
  /** Tasks per bulk-enqueue / processing / memory / RSS measurement. */
  readonly tasks: number;
  /** Tasks per bulk call (same for every library). */
  readonly bulkBatch: number;
  /** Tasks of the single-enqueue measurement (each awaited). */
  readonly singleTasks: number;
  readonly concurrencies: readonly number[];
  /** Offered loads of the latency measurement, tasks per second. */
  readonly latencyRates: readonly number[];
  /** Recorded seconds of each latency measurement, after the warm-up. */
  readonly latencySeconds: number;
  /** Unrecorded seconds at the start of each latency measurement. */
  readonly latencyWarmupSeconds: number;
  /** Worker concurrency during the latency measurement (every library). */
  readonly latencyConcurrency: number;
  /** Repetitions of every measurement; medians are taken over them. */
  readonly reps: number;
}

export const FULL: BenchSettings = {
  mode: "full",
  tasks: 100_000,
  bulkBatch: 1_000,
  singleTasks: 20_000,
  concurrencies: [1, 10, 100],
  latencyRates: [1_000, 5_000],
  // Recorded after the code of producer and worker is warm: in the first seconds V8 still
  // optimises, and those pauses are not what a long-running worker's tail looks like.
  latencySeconds: 10,
  latencyWarmupSeconds: 3,
  latencyConcurrency: 100,
  reps: 3,
};

export const QUICK: BenchSettings = {
  mode: "quick",
  tasks: 10_000,
  bulkBatch: 1_000,
  singleTasks: 3_000,
  concurrencies: [1, 10, 100],
  latencyRates: [1_000, 5_000],
  latencySeconds: 1,
  latencyWarmupSeconds: 0.25,
  latencyConcurrency: 100,
  reps: 1,
};

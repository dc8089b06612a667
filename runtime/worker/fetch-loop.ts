/**
 * The fetch loop: while running, fetch as many tasks as there are free slots and dispatch each
 * one (attempt.ts). A handler that finished frees its slot while its settle step is on its way,
 * so at most `concurrency` handlers run and at most `2 × concurrency` tasks are held.
 */
import type { TaskStep } from "./middleware/compose.js";
import { processTask } from "./attempt.js";
import type { DeliveredTask, Provider } from "./provider.js";
import type { TaskRun, WorkerState } from "./state.js";

export async function fetchLoop(
  worker: WorkerState,
  provider: Provider,
  onion: TaskStep,
  signal: AbortSignal,
): Promise<void> {
  const { options, metrics, logger } = worker;
  const { blockMs } = options.provider;
  while (worker.lifecycle === "running") {
    const free = Math.min(
      options.concurrency - (worker.running.size - worker.settling),
      2 * options.concurrency - worker.running.size,
    );
    if (free <= 0) {
      await new Promise<void>((resolve) => (worker.wake = resolve));
      continue;
    }
    let batch: DeliveredTask[];
    const fetchedAt = Date.now();
    try {
      batch = await provider.fetch(free, signal);
    } catch (error) {
      if (worker.lifecycle !== "running") break;
      metrics.recordFetchError();
      logger.error({ err: error, retryInMs: options.errorBackoffMs }, "fetch failed");
      await sleep(options.errorBackoffMs, signal);
      continue;
    }
    if (batch.length === 0) {
      // The provider did not block (it came back well within its block time): poll later.
      if (Date.now() - fetchedAt < blockMs / 2) await sleep(options.pollIntervalMs, signal);
      continue;
    }
    if (worker.lifecycle !== "running") {
      logger.info({ count: batch.length }, "tasks fetched while stopping are left pending");
      break;
    }
    logger.debug({ count: batch.length, free }, "fetched tasks");
    for (const task of batch) dispatch(worker, task, onion, provider);
  }
}

function dispatch(worker: WorkerState, task: DeliveredTask, onion: TaskStep, provider: Provider): void {
  const run: TaskRun = {
    task,
    phase: "handling",
    abandoned: false,
    context: undefined,
  };
  worker.running.add(run);
  void processTask(worker, run, onion, provider);
}

/** Waits `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}

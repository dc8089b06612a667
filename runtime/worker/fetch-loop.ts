/**
 * The fetch loop: while running, it fetches into free slots and, with the worker option
 * `readAhead`, keeps up to `concurrency` more fetched entries waiting (`worker.waiting`), started
 * as slots free (attempt.ts), so the next read is on its way while a batch runs instead of after it. A task starts when fewer than `concurrency`
 * handlers run and fewer than `2 × concurrency` tasks are held (a handler that finished frees its
 * slot while its settle step is on its way). Entries still waiting at shutdown are handed back
 * (hand-back.ts), not left for the claim idle time.
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
  const { options, metrics, logger, waiting } = worker;
  const { blockMs } = options.provider;
  const { concurrency } = options;
  let resume: (() => void) | undefined;
  let starting = false;
  const startWaiting = (): void => {
    if (starting) return; // a task settling at once wakes the loop from inside dispatch
    starting = true;
    try {
      while (
        waiting.length > 0 &&
        worker.lifecycle === "running" &&
        worker.running.size - worker.settling < concurrency &&
        worker.running.size < 2 * concurrency
      ) {
        dispatch(worker, waiting.shift() as DeliveredTask, onion, provider);
      }
    } finally {
      starting = false;
    }
  };
  // A slot freed (or stop): start what waits, and let the loop read again.
  worker.wake = () => {
    startWaiting();
    const wakeLoop = resume;
    resume = undefined;
    wakeLoop?.();
  };
  while (worker.lifecycle === "running") {
    startWaiting();
    // Reading ahead: up to `concurrency` waiting; else only into the slots free now.
    const room = options.readAhead
      ? concurrency - waiting.length
      : Math.min(
          concurrency - (worker.running.size - worker.settling),
          2 * concurrency - worker.running.size,
        ) - waiting.length;
    if (room <= 0) {
      await new Promise<void>((resolve) => (resume = resolve));
      continue;
    }
    let batch: DeliveredTask[];
    const fetchedAt = Date.now();
    try {
      batch = await provider.fetch(room, signal);
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
    // Fetched while stopping: they wait for the hand-back with the others.
    waiting.push(...batch);
    if (worker.lifecycle !== "running") break;
    logger.debug({ count: batch.length, room }, "fetched tasks");
  }
}

function dispatch(worker: WorkerState, task: DeliveredTask, onion: TaskStep, provider: Provider): void {
  const run: TaskRun = {
    task,
    phase: "handling",
    settleRetrying: false,
    abandoned: false,
    context: undefined,
    interrupt: () => {},
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

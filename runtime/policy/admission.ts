/**
 * The policy checks at the start of an attempt (attempt.ts), after the poison check and before the
 * middleware onion: first a slot under the type's concurrency cap, then a start under its rate limit
 * (a task that holds a slot and must wait for its start frees the slot). A task held back waits in
 * Redis (parked, or in the delayed set) and the attempt ends there: no retry, no handler run.
 */
import type { TaskDefinition } from "../types.js";
import type { Provider } from "../worker/provider.js";
import type { TaskRun, WorkerState } from "../worker/state.js";
import { releaseSlot, waitForSlot } from "./concurrency-cap.js";
import { waitForRate } from "./rate-limit.js";

/** `true` when the task was held back and must not run now. */
export async function holdBack(
  worker: WorkerState,
  run: TaskRun,
  definition: TaskDefinition,
  provider: Provider,
): Promise<boolean> {
  if (definition.concurrency === undefined && definition.rateLimit === undefined) return false;
  if (await waitForSlot(worker, run, definition, provider)) return true;
  if (await waitForRate(worker, run, definition, provider)) {
    await releaseSlot(worker, run);
    return true;
  }
  return false;
}

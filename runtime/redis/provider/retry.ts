/** Retry (RETRY): atomically schedule the task again in the delayed set (retry + 1) and ack its entry. */
import { retryFields } from "../../wire/codec.js";
import type { DeliveredTask } from "../../worker/provider.js";
import { commands, failure, queueOf, type ProviderState } from "./state.js";

/** `false` when this consumer no longer owns the entry (nothing changed). */
export function retry(
  state: ProviderState,
  task: DeliveredTask,
  delayMs: number,
  error: string,
): Promise<boolean> {
  return reschedule(state, task, delayMs, retryFields(task, error), "a retry");
}

/**
 * The RETRY script: the task as `fields` into the delayed set, due after `delayMs`, and this entry
 * acked, in one step; `false` when this consumer no longer owns the entry. `what` names the step in errors.
 */
export async function reschedule(
  state: ProviderState,
  task: DeliveredTask,
  delayMs: number,
  fields: Readonly<Record<string, string>>,
  what: string,
): Promise<boolean> {
  const q = queueOf(state, task);
  const done = await commands(state)
    .jobgenRetry(
      q.keys.stream,
      q.keys.delayed,
      q.definition.group,
      state.consumer,
      task.entryId,
      Math.max(0, Math.round(delayMs)),
      JSON.stringify(fields),
    )
    .catch((err: unknown) => {
      throw failure(state, `scheduling ${what} of ${task.entryId}`, err);
    });
  return done === 1;
}

/** Retry (RETRY): atomically schedule the task again in the delayed set (retry + 1) and ack its entry. */
import { retryFields } from "../../wire/codec.js";
import type { DeliveredTask } from "../../worker/provider.js";
import { commands, failure, queueOf, type ProviderState } from "./state.js";

/** `false` when this consumer no longer owns the entry (nothing changed). */
export async function retry(
  state: ProviderState,
  task: DeliveredTask,
  delayMs: number,
  error: string,
): Promise<boolean> {
  const q = queueOf(state, task);
  const member = JSON.stringify(retryFields(task, error));
  const done = await commands(state)
    .jobgenRetry(
      q.keys.stream,
      q.keys.delayed,
      q.definition.group,
      state.consumer,
      task.entryId,
      Math.max(0, Math.round(delayMs)),
      member,
    )
    .catch((err: unknown) => {
      throw failure(state, `scheduling a retry of ${task.entryId}`, err);
    });
  return done === 1;
}

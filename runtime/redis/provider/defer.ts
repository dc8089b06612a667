/**
 * Defer (RETRY): hand an entry of a newer payload version back for a newer worker: into the delayed
 * set with `deferrals` + 1 and the retry count untouched, and its entry acked, in one step.
 */
import { deferralFields } from "../../wire/codec.js";
import type { DeliveredTask } from "../../worker/provider.js";
import { reschedule } from "./retry.js";
import type { ProviderState } from "./state.js";

/** `false` when this consumer no longer owns the entry (nothing changed). */
export function defer(state: ProviderState, task: DeliveredTask, delayMs: number): Promise<boolean> {
  return reschedule(state, task, delayMs, deferralFields(task), "a hand-back to newer workers");
}

/**
 * Record start (INCR, PEXPIRE in one MULTI): counts the redeliveries of an entry whose handler
 * really started, so the poison check (worker/poison.ts) does not count deliveries of entries a
 * dying worker had read ahead but never started. The counter expires by itself after
 * {@link STARTS_TTL_MS}, so nothing has to clean it up.
 */
import type { DeliveredTask } from "../../worker/provider.js";
import { startsKey } from "../keys.js";
import { commands, failure, queueOf, type ProviderState } from "./state.js";

/** How long a counter of started redeliveries lives after its last start: 7 days. */
export const STARTS_TTL_MS = 7 * 24 * 3_600_000;

/** Resolves with the number of started redeliveries of the entry, this one included. */
export async function recordStart(state: ProviderState, task: DeliveredTask): Promise<number> {
  const key = startsKey(queueOf(state, task).keys.stream, task.entryId);
  const what = `recording the start of ${task.entryId}`;
  const replies = await commands(state)
    .multi()
    .incr(key)
    .pexpire(key, STARTS_TTL_MS)
    .exec()
    .catch((err: unknown) => {
      throw failure(state, what, err);
    });
  const [incr] = replies ?? [];
  if (incr === undefined || incr[0]) throw failure(state, what, incr?.[0] ?? "transaction aborted");
  return Number(incr[1]);
}

/**
 * One `fetch`: the surplus of the last read first; then, at most every HOUSEKEEPING_INTERVAL_MS
 * (or when a delayed task it knows of falls due), one promotion + reclaim pipeline
 * (housekeeping.ts); then one XREADGROUP per consumer group (and hash slot, on a Cluster; read.ts), asking for
 * `min(max, count)` entries and blocking (up to `blockMs`, or until the next known delayed task is
 * due) only when the fetch holds nothing yet. Never returns more than `max`; the rest waits in
 * the surplus.
 */
import type { DeliveredTask } from "../../worker/provider.js";
import { start } from "./groups.js";
import { housekeeping } from "./housekeeping.js";
import { readNew } from "./read.js";
import type { ProviderState } from "./state.js";

export async function fetch(
  state: ProviderState,
  max: number,
  signal: AbortSignal,
): Promise<DeliveredTask[]> {
  if (state.closed || signal.aborted || max <= 0) return [];
  if (!state.started) await start(state);
  const tasks = state.surplus.splice(0, max);
  const deadline = Date.now() + state.options.blockMs;
  const recoveriesBefore = state.recoveries;
  try {
    // Until something came or the block time is over: a read cut short because a delayed
    // task fell due loops back to promote it, so an empty fetch always took blockMs.
    do {
      if (tasks.length < max && Date.now() >= state.nextHousekeepingAt) {
        tasks.push(...(await housekeeping(state, max - tasks.length)));
      }
      if (tasks.length < max && !signal.aborted && !state.closed) {
        const waitMs = tasks.length === 0 ? deadline - Date.now() : 0;
        tasks.push(...(await readNew(state, max - tasks.length, waitMs, signal)));
      }
    } while (
      tasks.length === 0 &&
      Date.now() < deadline &&
      state.recoveries === recoveriesBefore &&
      !signal.aborted &&
      !state.closed
    );
  } catch (err) {
    if (tasks.length === 0) throw err;
    state.logger.warn({ err }, "fetch failed part way; returning the tasks it already holds");
  }
  state.surplus.push(...tasks.splice(max));
  return tasks;
}

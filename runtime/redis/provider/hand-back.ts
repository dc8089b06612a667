/**
 * Hand-back (HAND_BACK, HAND_BACK_REST): entries fetched but never started (the worker's
 * read-ahead, the fetch surplus, what a read cut short by the stop delivered) are given back at
 * shutdown instead of waiting for the claim idle time. Each one this consumer still owns gets a
 * long idle time (so the next XAUTOCLAIM of any worker of the group takes it) and its delivery
 * count less one (it was never run); one pipeline (on a Cluster, one per hash slot, in parallel).
 */
import { HAND_BACK_IDLE_MS } from "../../defaults.js";
import type { DeliveredTask } from "../../worker/provider.js";
import { pipelineBySlot, type PipelineReplies } from "../batch.js";
import { commands, failure, groupBy, streamOf, type ProviderState, type QueueState } from "./state.js";

/** Hands back `notStarted` and the fetch surplus; resolves with the number handed back. */
export async function handBack(state: ProviderState, notStarted: readonly DeliveredTask[]): Promise<number> {
  const tasks = [...notStarted, ...state.surplus.splice(0)];
  if (tasks.length === 0) return 0;
  const perStream = [...groupBy(tasks, (t) => streamOf(state, t)?.keys.stream ?? "").values()].flatMap(
    (owned) => {
      const q = owned[0] && streamOf(state, owned[0]);
      return q ? [{ q, owned }] : [];
    },
  );
  return handed(
    state,
    await pipelineBySlot(
      commands(state),
      perStream,
      ({ q }) => q.keys.stream,
      (pipeline, { q, owned }) =>
        pipeline.jobgenHandBack(
          q.keys.stream,
          q.definition.group,
          state.consumer,
          HAND_BACK_IDLE_MS,
          ...owned.map((t) => t.entryId),
        ),
    ).catch((err: unknown) => {
      throw failure(state, "handing back fetched entries", err);
    }),
  );
}

/** Hands back every entry pending on this consumer but `keep`; resolves with the number handed back. */
export async function handBackRest(state: ProviderState, keep: readonly DeliveredTask[]): Promise<number> {
  state.surplus.splice(0);
  const kept = groupBy(keep, (t) => streamOf(state, t)?.keys.stream ?? "");
  return handed(
    state,
    await pipelineBySlot(
      commands(state),
      state.queues,
      (q: QueueState) => q.keys.stream,
      (pipeline, q) =>
        pipeline.jobgenHandBackRest(
          q.keys.stream,
          q.definition.group,
          state.consumer,
          HAND_BACK_IDLE_MS,
          ...(kept.get(q.keys.stream) ?? []).map((t) => t.entryId),
        ),
    ).catch((err: unknown) => {
      throw failure(state, "handing back fetched entries", err);
    }),
  );
}

function handed(state: ProviderState, replies: PipelineReplies): number {
  let total = 0;
  for (const [err, n] of replies) {
    if (err) throw failure(state, "handing back fetched entries", err);
    total += Number(n);
  }
  return total;
}

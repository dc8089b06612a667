/**
 * Lease extension (EXTEND_LEASE): resets the idle time of the entries this consumer still owns,
 * in-flight ones and the fetch surplus, so no other consumer reclaims them; one pipeline (on a
 * Cluster, one per hash slot, sent in parallel).
 */
import type { DeliveredTask } from "../../worker/provider.js";
import { pipelineBySlot } from "../batch.js";
import { commands, failure, groupBy, streamOf, type ProviderState } from "./state.js";

/** Resolves with the number of entries extended. */
export async function extendLease(state: ProviderState, inFlight: readonly DeliveredTask[]): Promise<number> {
  const tasks = [...inFlight, ...state.surplus];
  if (tasks.length === 0) return 0;
  const perQueue = [...groupBy(tasks, (t) => streamOf(state, t)?.keys.stream ?? "").values()].flatMap(
    (owned) => {
      const q = owned[0] && streamOf(state, owned[0]);
      return q ? [{ q, owned }] : [];
    },
  );
  const replies = await pipelineBySlot(
    commands(state),
    perQueue,
    ({ q }) => q.keys.stream,
    (pipeline, { q, owned }) =>
      pipeline.jobgenExtendLease(
        q.keys.stream,
        q.definition.group,
        state.consumer,
        ...owned.map((t) => t.entryId),
      ),
  ).catch((err: unknown) => {
    throw failure(state, "extending leases", err);
  });
  let extended = 0;
  for (const [err, n] of replies) {
    if (err) throw failure(state, "extending leases", err);
    extended += Number(n);
  }
  return extended;
}

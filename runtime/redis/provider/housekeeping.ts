/**
 * Promotion of due delayed tasks (PROMOTE) and reclaim of stale entries of dead consumers
 * (CLAIM, XAUTOCLAIM), for every queue, in one pipeline (on a Cluster, one per hash slot, sent in
 * parallel): at most every HOUSEKEEPING_INTERVAL_MS, or sooner when a delayed task it knows of falls
 * due, or at the next fetch while a backlog of stale entries lasts (from a reclaim that finds some
 * to a scan that reaches the end of the pending list without filling its batch), so a backlog
 * drains as fast as the workers handle it.
 */
import { HOUSEKEEPING_INTERVAL_MS, PROMOTE_BATCH } from "../../defaults.js";
import type { RedisError } from "../../errors.js";
import { bufferArgsToFields, decodeTask } from "../../wire/codec.js";
import type { DeliveredTask } from "../../worker/provider.js";
import { pipelineBySlot } from "../batch.js";
import { recoverLostGroups } from "./groups.js";
import { commands, errorMessage, failure, type ProviderState } from "./state.js";

/** Promotes due delayed tasks and reclaims up to `max` stale entries; returns those reclaimed. */
export async function housekeeping(state: ProviderState, max: number): Promise<DeliveredTask[]> {
  const { queues, consumer } = state;
  const { enableAutoClaim, claimMinIdleMs, claimCount } = state.options;
  const asked = Math.min(max, claimCount);
  const replies = await pipelineBySlot(
    commands(state),
    queues,
    (q) => q.keys.stream,
    (pipeline, q) => {
      pipeline.jobgenPromote(q.keys.delayed, q.keys.stream, PROMOTE_BATCH);
      if (enableAutoClaim) {
        pipeline.jobgenClaimBuffer(
          q.keys.stream,
          q.definition.group,
          consumer,
          claimMinIdleMs,
          q.claimCursor,
          asked,
        );
      }
    },
  ).catch((err: unknown) => {
    throw failure(state, "promoting and reclaiming", err);
  });
  const claimed: DeliveredTask[] = [];
  let backlog = false;
  let lostGroup: unknown;
  let failed: RedisError | undefined;
  const now = Date.now();
  state.nextHousekeepingAt = now + HOUSEKEEPING_INTERVAL_MS;
  state.nextDueAt = Number.POSITIVE_INFINITY;
  const perQueue = enableAutoClaim ? 2 : 1;
  queues.forEach((q, i) => {
    for (let k = 0; k < perQueue; k++) {
      const [err, reply] = replies[i * perQueue + k] ?? [new Error("no reply"), null];
      if (err) {
        if (errorMessage(err).includes("NOGROUP")) lostGroup = err;
        else
          failed ??= failure(
            state,
            `${k === 0 ? "promoting into" : "reclaiming from"} ${q.keys.stream}`,
            err,
          );
        continue;
      }
      if (k === 0) {
        const [, msUntilNext] = reply as [number, number];
        if (msUntilNext >= 0) state.nextDueAt = Math.min(state.nextDueAt, now + msUntilNext);
      } else {
        const [cursor, entries] = reply as [Buffer, [Buffer, Buffer[], number][]];
        q.claimCursor = cursor.toString();
        // A backlog starts when a reclaim finds stale entries and lasts until a scan reaches the
        // end of the pending list (the cursor wraps to 0-0) without filling its batch.
        if (entries.length > 0) q.reclaiming = true;
        if (entries.length < asked && q.claimCursor === "0-0") q.reclaiming = false;
        if (q.reclaiming) backlog = true;
        for (const [entryId, pairs, deliveries] of entries) {
          const { fields, invalidUtf8 } = bufferArgsToFields(pairs);
          claimed.push(decodeTask(q.source, entryId.toString(), fields, Number(deliveries), invalidUtf8));
        }
      }
    }
  });
  // While stale entries wait, the next fetch reclaims again at once.
  state.nextHousekeepingAt = backlog ? now : Math.min(state.nextHousekeepingAt, state.nextDueAt);
  if (lostGroup !== undefined) await recoverLostGroups(state, lostGroup);
  // Entries reclaimed from one queue are handed out even when another queue's step failed.
  if (failed && claimed.length === 0) throw failed;
  if (failed) state.logger.warn({ err: failed }, "promotion or reclaim failed on a queue");
  if (claimed.length > 0)
    state.logger.info({ count: claimed.length }, "reclaimed stale entries from dead consumers");
  return claimed;
}

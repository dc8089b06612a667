/**
 * The policy steps (policy/store.ts) on Redis: schedule ticks (SCHEDULE_TICK, FORGET_SCHEDULES),
 * rate limits (RATE_ADMIT, then RETRY to wait in the delayed set) and the concurrency cap
 * (SLOT_ACQUIRE, SLOT_PARK, SLOT_RELEASE, SLOT_RENEW); scripts in redis/policy-scripts.ts.
 *
 * Keys, all in the queue's hash slot (keys.ts): `<schedules>` (hash: schedule → last tick),
 * `<rate><type>:<bucket>` (the bucket's arrival time) and `…:reserved` (task id → reserved start),
 * `<slots><type>:running` (holder → lease deadline) and `<slots><type>:parked` (tasks waiting for
 * a slot, oldest first; one per level on a queue with levels, `…:parked:<level>`, each going back
 * to its level's stream, higher levels first). A slot's holder is `<consumer>/<entry id>`; its
 * lease lasts the claim idle time, like the entry's own, and the worker's lease loop renews both.
 * A queue with priority levels shares these keys across its levels; a partitioned queue has none
 * (jobgen validate refuses its policies).
 */
import type { DeliveredTask } from "../../worker/provider.js";
import type { ParkOutcome, PolicyStore, TickOutcome } from "../../policy/store.js";
import { withPolicyCommands } from "../policy-scripts.js";
import { reschedule } from "./retry.js";
import { commands, failure, groupBy, queueOf, type ProviderState } from "./state.js";
import { ConfigError } from "../../errors.js";
import { PRIORITY_LEVELS, type Priority } from "../../policy/priority.js";
import type { QueueDefinition } from "../../types.js";
import { levelKeys, parkedKey, queueKeys, type QueueKeys } from "../keys.js";
import { partitionCount } from "../partitions.js";

export function redisPolicyStore(state: ProviderState): PolicyStore {
  const client = () => withPolicyCommands(commands(state));
  const definitionOf = (name: string): QueueDefinition => {
    const definition = state.byName.get(name)?.[0]?.definition;
    if (definition === undefined) throw new ConfigError(`queue "${name}" is not consumed by this worker`);
    return definition;
  };
  /** A partitioned queue has no policy state: jobgen validate refuses policies on one. */
  const partitioned = (name: string): boolean => partitionCount(definitionOf(name)) > 1;
  /** The keys of a consumed queue (of its `level` on a queue with levels, else of the queue). */
  const queue = (name: string, level?: Priority): QueueKeys => {
    const definition = definitionOf(name);
    if (partitioned(name))
      throw new ConfigError(
        `queue "${name}" is partitioned; schedules, rateLimit and concurrency need a queue without partitions`,
      );
    return definition.priorities === true
      ? levelKeys(definition, level ?? "normal", state.options.keyPrefix)
      : queueKeys(definition, state.options.keyPrefix);
  };
  const running = (keys: QueueKeys, type: string) => `${keys.slots}${type}:running`;
  /** A type's parked lists and the streams they go back to: one per level, highest first. */
  const parkedLists = (
    name: string,
    type: string,
  ): { parked: string; stream: string; level?: Priority }[] => {
    const definition = definitionOf(name);
    const keys = queue(name);
    if (definition.priorities !== true) return [{ parked: parkedKey(keys, type), stream: keys.stream }];
    return PRIORITY_LEVELS.map((level) => ({
      parked: parkedKey(keys, type, level),
      stream: levelKeys(definition, level, state.options.keyPrefix).stream,
      level,
    }));
  };
  /** Moves parked tasks of `type` into free slots (after freeing `holder`'s, unless ''). */
  const release = (name: string, type: string, holderId: string, cap: number): Promise<number> => {
    const lists = parkedLists(name, type);
    return client().jobgenSlotRelease(
      1 + 2 * lists.length,
      running(queue(name), type),
      ...lists.flatMap((list) => [list.parked, list.stream]),
      holderId,
      cap,
    );
  };
  const holder = (task: DeliveredTask) => `${state.consumer}/${task.entryId}`;
  const leaseMs = state.options.claimMinIdleMs;
  const fail = (what: string) => (err: unknown) => {
    throw failure(state, what, err);
  };

  return {
    async scheduleTick(name, schedule, tickMs, fields, level): Promise<TickOutcome> {
      const keys = queue(name, level);
      const [outcome] = await client()
        .jobgenScheduleTick(
          keys.stream,
          keys.delayed,
          keys.schedules,
          schedule,
          tickMs,
          definitionOf(name).maxLen ?? 0,
          ...fields,
        )
        .catch(fail(`enqueueing tick ${tickMs} of schedule "${schedule}"`));
      return outcome as TickOutcome;
    },

    async lastTicks(name) {
      if (partitioned(name)) return new Map();
      const raw = await client().hgetall(queue(name).schedules).catch(fail("reading schedule state"));
      return new Map(Object.entries(raw).map(([schedule, tick]) => [schedule, Number(tick)]));
    },

    async forgetSchedules(name, keep) {
      if (partitioned(name)) return [];
      return client()
        .jobgenForgetSchedules(queue(name).schedules, ...keep)
        .catch(fail("deleting the state of removed schedules"));
    },

    async admitRate(task, bucket, intervalMs) {
      const key = `${queue(task.queue).rate}${task.type ?? ""}:${bucket}`;
      return client()
        .jobgenRateAdmit(key, `${key}:reserved`, task.id, Math.max(1, Math.round(intervalMs)))
        .catch(fail(`checking the rate limit of ${task.entryId}`));
    },

    waitUntilStart(task, delayMs) {
      // Back into the delayed set of the entry's own stream (its priority level, if any).
      return reschedule(state, task, delayMs, { ...task.fields, id: task.id }, "a rate-limit wait");
    },

    async acquireSlot(task, cap) {
      const got = await client()
        .jobgenSlotAcquire(running(queue(task.queue), task.type ?? ""), holder(task), cap, leaseMs)
        .catch(fail(`taking a concurrency slot for ${task.entryId}`));
      return got === 1;
    },

    async parkForSlot(task, cap): Promise<ParkOutcome> {
      const keys = queue(task.queue);
      const type = task.type ?? "";
      const outcome = await client()
        .jobgenSlotPark(
          queueOf(state, task).keys.stream,
          running(keys, type),
          parkedKey(keys, type, task.priority),
          definitionOf(task.queue).group,
          state.consumer,
          task.entryId,
          holder(task),
          cap,
          leaseMs,
          JSON.stringify({ ...task.fields, id: task.id }),
        )
        .catch(fail(`parking ${task.entryId} until a concurrency slot frees`));
      return outcome === 1 ? "parked" : outcome === 2 ? "acquired" : "lost";
    },

    async releaseSlot(task, cap) {
      await release(task.queue, task.type ?? "", holder(task), cap).catch(
        fail(`freeing the concurrency slot of ${task.entryId}`),
      );
    },

    async renewSlots(tasks) {
      for (const [key, held] of groupBy(tasks, (t) => running(queue(t.queue), t.type ?? ""))) {
        await client()
          .jobgenSlotRenew(key, leaseMs, ...held.map(holder))
          .catch(fail("renewing concurrency slots"));
      }
    },

    async sweepSlots(name, type, cap) {
      if (partitioned(name)) return 0;
      return release(name, type, "", cap).catch(fail(`moving parked tasks of ${type}`));
    },
  };
}

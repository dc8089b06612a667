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
 * A queue with priority levels shares these keys across its levels. A partitioned queue has its
 * buckets and running sets in slots of their own and a parked list per partition (policy-keys.ts,
 * partitioned-slots.ts), and each schedule's state in the partition its ticks go to
 * (policy/schedule-partition.ts).
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
import { policyKey } from "../policy-keys.js";
import { partitionedSlots } from "./partitioned-slots.js";

export function redisPolicyStore(state: ProviderState): PolicyStore {
  const client = () => withPolicyCommands(commands(state));
  const definitionOf = (name: string): QueueDefinition => {
    const definition = state.byName.get(name)?.[0]?.definition;
    if (definition === undefined) throw new ConfigError(`queue "${name}" is not consumed by this worker`);
    return definition;
  };
  const partitioned = (name: string): boolean => partitionCount(definitionOf(name)) > 1;
  const partitionsOf = (name: string) => state.byName.get(name) ?? [];
  /** Where a queue keeps schedule state: its own keys, or each partition's (schedule-partition.ts). */
  const scheduleStates = (name: string): QueueKeys[] =>
    partitioned(name) ? partitionsOf(name).map((q) => q.keys) : [queue(name)];
  /**
   * The `maxLen` a tick's script checks its partition against: the room the other partitions leave
   * (maxLen bounds them all together; counted first, as the producer does), -1 when they leave none,
   * 0 without a maxLen.
   */
  const tickMaxLen = async (name: string, partition: number): Promise<number> => {
    const maxLen = definitionOf(name).maxLen ?? 0;
    if (maxLen === 0 || !partitioned(name)) return maxLen;
    let others = 0;
    for (const [i, q] of partitionsOf(name).entries()) {
      if (i === partition) continue;
      const [length, delayed] = await Promise.all([
        client().xlen(q.keys.stream),
        client().zcard(q.keys.delayed),
      ]).catch(fail(`counting the tasks of queue "${name}"`));
      others += length + delayed;
    }
    return maxLen > others ? maxLen - others : -1;
  };
  /** The keys of a consumed queue (of its `level` on a queue with levels, else of the queue). */
  const queue = (name: string, level?: Priority): QueueKeys => {
    const definition = definitionOf(name);
    if (partitioned(name))
      throw new ConfigError(`queue "${name}" is partitioned: its keys are per partition`);
    return definition.priorities === true
      ? levelKeys(definition, level ?? "normal", state.options.keyPrefix)
      : queueKeys(definition, state.options.keyPrefix);
  };
  const running = (name: string, type: string) =>
    policyKey(definitionOf(name), state.options.keyPrefix, `slots:${type}:running`);
  const split = partitionedSlots(state);
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
    if (partitioned(name)) return split.handOn(name, type, running(name, type), holderId, cap);
    const lists = parkedLists(name, type);
    return client().jobgenSlotRelease(
      1 + 2 * lists.length,
      running(name, type),
      ...lists.flatMap((list) => [list.parked, list.stream]),
      holderId,
      cap,
    );
  };
  /** Entry ids are unique per stream only: a partition's holders name their partition. */
  const holder = (task: DeliveredTask) =>
    `${state.consumer}/${task.entryId}${task.partition ? `/p${task.partition}` : ""}`;
  const leaseMs = state.options.claimMinIdleMs;
  const fail = (what: string) => (err: unknown) => {
    throw failure(state, what, err);
  };

  return {
    async scheduleTick(name, schedule, tickMs, fields, level, partition = 0): Promise<TickOutcome> {
      const keys = partitioned(name) ? partitionsOf(name)[partition]?.keys : queue(name, level);
      if (keys === undefined) throw new ConfigError(`queue "${name}" has no partition ${partition}`);
      const maxLen = await tickMaxLen(name, partition);
      if (maxLen < 0) return "full";
      const [outcome] = await client()
        .jobgenScheduleTick(keys.stream, keys.delayed, keys.schedules, schedule, tickMs, maxLen, ...fields)
        .catch(fail(`enqueueing tick ${tickMs} of schedule "${schedule}"`));
      return outcome as TickOutcome;
    },

    async lastTicks(name) {
      const ticks = new Map<string, number>();
      for (const keys of scheduleStates(name)) {
        const raw = await client().hgetall(keys.schedules).catch(fail("reading schedule state"));
        for (const [schedule, tick] of Object.entries(raw))
          ticks.set(schedule, Math.max(ticks.get(schedule) ?? -1, Number(tick)));
      }
      return ticks;
    },

    async forgetSchedules(name, keep) {
      const gone = new Set<string>();
      for (const keys of scheduleStates(name)) {
        const names = await client()
          .jobgenForgetSchedules(keys.schedules, ...keep)
          .catch(fail("deleting the state of removed schedules"));
        for (const schedule of names) gone.add(schedule);
      }
      return [...gone];
    },

    async admitRate(task, bucket, intervalMs) {
      const key = policyKey(
        definitionOf(task.queue),
        state.options.keyPrefix,
        `rate:${task.type ?? ""}:${bucket}`,
      );
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
        .jobgenSlotAcquire(running(task.queue, task.type ?? ""), holder(task), cap, leaseMs)
        .catch(fail(`taking a concurrency slot for ${task.entryId}`));
      return got === 1;
    },

    async parkForSlot(task, cap): Promise<ParkOutcome> {
      const type = task.type ?? "";
      if (partitioned(task.queue)) return split.park(task, running(task.queue, type), cap);
      const keys = queue(task.queue);
      const outcome = await client()
        .jobgenSlotPark(
          queueOf(state, task).keys.stream,
          running(task.queue, type),
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
      for (const [key, held] of groupBy(tasks, (t) => running(t.queue, t.type ?? ""))) {
        await client()
          .jobgenSlotRenew(key, leaseMs, ...held.map(holder))
          .catch(fail("renewing concurrency slots"));
      }
    },

    async sweepSlots(name, type, cap) {
      return release(name, type, "", cap).catch(fail(`moving parked tasks of ${type}`));
    },
  };
}

/**
 * The policy steps (policy/store.ts) on Redis: schedule ticks (SCHEDULE_TICK, FORGET_SCHEDULES),
 * rate limits (RATE_ADMIT, then RETRY to wait in the delayed set) and the concurrency cap
 * (SLOT_ACQUIRE, SLOT_PARK, SLOT_RELEASE, SLOT_RENEW); scripts in redis/policy-scripts.ts.
 *
 * Keys, all in the queue's hash slot (keys.ts): `<schedules>` (hash: schedule → last tick),
 * `<rate><type>:<bucket>` (the bucket's arrival time) and `…:reserved` (task id → reserved start),
 * `<slots><type>:running` (holder → lease deadline) and `<slots><type>:parked` (tasks waiting for
 * a slot, oldest first). A slot's holder is `<consumer>/<entry id>`; its lease lasts the claim idle
 * time, like the entry's own, and the worker's lease loop renews both.
 */
import type { DeliveredTask } from "../../worker/provider.js";
import type { ParkOutcome, PolicyStore, TickOutcome } from "../../policy/store.js";
import { withPolicyCommands } from "../policy-scripts.js";
import { reschedule } from "./retry.js";
import { commands, failure, groupBy, queueOf, type ProviderState, type QueueState } from "./state.js";
import { ConfigError } from "../../errors.js";

export function redisPolicyStore(state: ProviderState): PolicyStore {
  const client = () => withPolicyCommands(commands(state));
  const queue = (name: string): QueueState => {
    const q = state.byName.get(name);
    if (q === undefined) throw new ConfigError(`queue "${name}" is not consumed by this worker`);
    return q;
  };
  const running = (q: QueueState, type: string) => `${q.keys.slots}${type}:running`;
  const parked = (q: QueueState, type: string) => `${q.keys.slots}${type}:parked`;
  const holder = (task: DeliveredTask) => `${state.consumer}/${task.entryId}`;
  const leaseMs = state.options.claimMinIdleMs;
  const fail = (what: string) => (err: unknown) => {
    throw failure(state, what, err);
  };

  return {
    async scheduleTick(name, schedule, tickMs, fields): Promise<TickOutcome> {
      const q = queue(name);
      const [outcome] = await client()
        .jobgenScheduleTick(
          q.keys.stream,
          q.keys.delayed,
          q.keys.schedules,
          schedule,
          tickMs,
          q.definition.maxLen ?? 0,
          ...fields,
        )
        .catch(fail(`enqueueing tick ${tickMs} of schedule "${schedule}"`));
      return outcome as TickOutcome;
    },

    async lastTicks(name) {
      const q = queue(name);
      const raw = await client().hgetall(q.keys.schedules).catch(fail("reading schedule state"));
      return new Map(Object.entries(raw).map(([schedule, tick]) => [schedule, Number(tick)]));
    },

    async forgetSchedules(name, keep) {
      const q = queue(name);
      return client()
        .jobgenForgetSchedules(q.keys.schedules, ...keep)
        .catch(fail("deleting the state of removed schedules"));
    },

    async admitRate(task, bucket, intervalMs) {
      const q = queueOf(state, task);
      const key = `${q.keys.rate}${task.type ?? ""}:${bucket}`;
      return client()
        .jobgenRateAdmit(key, `${key}:reserved`, task.id, Math.max(1, Math.round(intervalMs)))
        .catch(fail(`checking the rate limit of ${task.entryId}`));
    },

    waitUntilStart(task, delayMs) {
      return reschedule(state, task, delayMs, { ...task.fields, id: task.id }, "a rate-limit wait");
    },

    async acquireSlot(task, cap) {
      const q = queueOf(state, task);
      const got = await client()
        .jobgenSlotAcquire(running(q, task.type ?? ""), holder(task), cap, leaseMs)
        .catch(fail(`taking a concurrency slot for ${task.entryId}`));
      return got === 1;
    },

    async parkForSlot(task, cap): Promise<ParkOutcome> {
      const q = queueOf(state, task);
      const type = task.type ?? "";
      const outcome = await client()
        .jobgenSlotPark(
          q.keys.stream,
          running(q, type),
          parked(q, type),
          q.definition.group,
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
      const q = queueOf(state, task);
      const type = task.type ?? "";
      await client()
        .jobgenSlotRelease(running(q, type), parked(q, type), q.keys.stream, holder(task), cap)
        .catch(fail(`freeing the concurrency slot of ${task.entryId}`));
    },

    async renewSlots(tasks) {
      for (const [key, held] of groupBy(tasks, (t) => running(queueOf(state, t), t.type ?? ""))) {
        await client()
          .jobgenSlotRenew(key, leaseMs, ...held.map(holder))
          .catch(fail("renewing concurrency slots"));
      }
    },

    async sweepSlots(name, type, cap) {
      const q = queue(name);
      return client()
        .jobgenSlotRelease(running(q, type), parked(q, type), q.keys.stream, "", cap)
        .catch(fail(`moving parked tasks of ${type}`));
    },
  };
}

// The scheduler's own logic, over an in-memory policy store: ticks on time, a failed tick tried
// again until it is written, catch-up, and no tick after stop.
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { startScheduler } from "../../runtime/policy/scheduler.js";
import type { PolicyStore, TickOutcome } from "../../runtime/policy/store.js";
import type { ScheduleDefinition, TaskRegistry } from "../../runtime/types.js";

/** A store keeping the last tick per schedule, as SCHEDULE_TICK does; `failures` writes fail first. */
function memoryStore(failures = 0) {
  const last = new Map<string, number>();
  const written: number[] = [];
  let toFail = failures;
  const store: Pick<PolicyStore, "scheduleTick" | "lastTicks" | "forgetSchedules"> = {
    async scheduleTick(_queue, schedule, tickMs): Promise<TickOutcome> {
      if (toFail-- > 0) throw new Error("Redis is down");
      if ((last.get(schedule) ?? -1) >= tickMs) return "done";
      last.set(schedule, tickMs);
      written.push(tickMs);
      return "enqueued";
    },
    lastTicks: async () => new Map(last),
    forgetSchedules: async () => [],
  };
  return { store: store as PolicyStore, last, written };
}

const registry = (schedule: ScheduleDefinition): TaskRegistry => ({
  queues: { default: { name: "default", stream: "tasks", group: "workers", dlq: "tasks:dlq" } },
  tasks: { tick: { name: "tick", queue: "default", validator: z.object({ n: z.number() }) } },
  schedules: { beat: schedule },
});

describe("scheduler", () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });
  const start = async (schedule: ScheduleDefinition, store: PolicyStore) => {
    const stop = await startScheduler({
      registry: registry(schedule),
      queues: ["default"],
      handled: new Set(["tick"]),
      store,
      logger: pino({ level: "silent" }),
    });
    stops.push(stop);
    return stop;
  };

  it("writes each tick of every: 1s on the second", async () => {
    const memory = memoryStore();
    await start({ task: "tick", everyMs: 1_000, payload: { n: 1 } }, memory.store);
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    expect(memory.written.length).toBeGreaterThanOrEqual(2);
    for (const tick of memory.written) expect(tick % 1_000).toBe(0);
  });

  it("tries a tick whose write failed again a second later", async () => {
    const memory = memoryStore(1);
    await start({ task: "tick", everyMs: 3_000, payload: { n: 1 } }, memory.store);
    const due = Math.ceil(Date.now() / 3_000) * 3_000;
    await new Promise((resolve) => setTimeout(resolve, due - Date.now() + 1_300));
    expect(memory.written).toContain(due);
  }, 10_000);

  it("catches up the last missed tick with catchUp: last, not with none", async () => {
    const hour = 3_600_000;
    const lastHour = Math.floor(Date.now() / hour) * hour;
    const none = memoryStore();
    none.last.set("beat", lastHour - 3 * hour);
    await start({ task: "tick", everyMs: hour, catchUp: "none", payload: { n: 1 } }, none.store);
    const last = memoryStore();
    last.last.set("beat", lastHour - 3 * hour);
    await start({ task: "tick", everyMs: hour, catchUp: "last", payload: { n: 1 } }, last.store);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(none.written).toEqual([]);
    expect(last.written).toEqual([lastHour]);
  });

  it("passes the task's priority level on a queue with levels", async () => {
    const levels: (string | undefined)[] = [];
    const memory = memoryStore();
    const store: PolicyStore = {
      ...memory.store,
      scheduleTick: (queue, schedule, tickMs, fields, level) => {
        levels.push(level);
        return memory.store.scheduleTick(queue, schedule, tickMs, fields, level);
      },
    };
    const levelled = registry({ task: "tick", everyMs: 3_600_000, catchUp: "last", payload: { n: 1 } });
    memory.last.set("beat", 0);
    const stop = await startScheduler({
      registry: {
        ...levelled,
        queues: { default: { ...levelled.queues.default!, priorities: true } },
        tasks: { tick: { ...levelled.tasks.tick!, priority: "high" } },
      },
      queues: ["default"],
      handled: new Set(["tick"]),
      store,
      logger: pino({ level: "silent" }),
    });
    stops.push(stop);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(levels).toEqual(["high"]);
  });

  it("writes no tick after stop, and stops at once while a failed tick waits", async () => {
    const memory = memoryStore(100);
    const stop = await start({ task: "tick", everyMs: 1_000, payload: { n: 1 } }, memory.store);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // a tick failed and waits to retry
    const began = Date.now();
    await stop();
    expect(Date.now() - began).toBeLessThan(200);
    const written = memory.written.length;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(memory.written.length).toBe(written);
  });
});

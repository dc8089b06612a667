/** `jobgen stats`' schedules: each schedule of the registry, its last enqueued tick and its next run. */
import { scheduleClock } from "../policy/schedule-clock.js";
import { DEFAULT_SCHEDULE_TIMEZONE, type CatchUpPolicy } from "../policy/schedule-rules.js";
import type { TaskRegistry } from "../types.js";
import type { AdminContext } from "./context.js";

export interface ScheduleStats {
  readonly name: string;
  readonly task: string;
  readonly queue: string;
  /** `cron "<expr>" <timezone>` or `every <ms>ms`, as the schema says it. */
  readonly cron: string | null;
  readonly timezone: string | null;
  readonly everyMs: number | null;
  readonly catchUp: CatchUpPolicy;
  /** The last tick a worker enqueued; `null` before the first. */
  readonly lastTick: Date | null;
  /** The next tick from now; `null` when the schedule never runs again. */
  readonly nextRun: Date | null;
}

export async function scheduleStats(registry: TaskRegistry, ctx: AdminContext): Promise<ScheduleStats[]> {
  const stats: ScheduleStats[] = [];
  const ticks = new Map<string, Record<string, string>>();
  const now = Date.now();
  for (const [name, schedule] of Object.entries(registry.schedules ?? {}).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    const queue = registry.tasks[schedule.task]?.queue ?? "";
    let last = ticks.get(queue);
    if (last === undefined) {
      last = await ctx.store.lastTicks(ctx.keysOf(ctx.queueNamed(queue)).schedules);
      ticks.set(queue, last);
    }
    const lastTick = Object.hasOwn(last, name) ? Number(last[name]) : undefined;
    const next = (await scheduleClock(schedule)).next(now);
    stats.push({
      name,
      task: schedule.task,
      queue,
      cron: schedule.cron ?? null,
      timezone: schedule.cron === undefined ? null : (schedule.timezone ?? DEFAULT_SCHEDULE_TIMEZONE),
      everyMs: schedule.everyMs ?? null,
      catchUp: schedule.catchUp ?? "none",
      lastTick: lastTick === undefined ? null : new Date(lastTick),
      nextRun: next === undefined ? null : new Date(next),
    });
  }
  return stats;
}

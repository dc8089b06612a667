/**
 * When a schedule ticks: every multiple of `every` since the Unix epoch (so all workers agree on the
 * ticks), or every time its cron expression matches in its timezone (croner: DST-aware). croner is
 * imported on the first cron schedule only.
 */
import { CRON_OPTIONS, DEFAULT_SCHEDULE_TIMEZONE } from "./schedule-rules.js";
import type { ScheduleDefinition } from "../types.js";

/** The ticks of one schedule, in ms since the epoch. */
export interface ScheduleClock {
  /** The first tick after `afterMs`; `undefined` when there is none. */
  next(afterMs: number): number | undefined;
  /** The last tick at or before `atMs`; `undefined` when there is none. */
  previous(atMs: number): number | undefined;
}

/** The clock of `schedule`; throws croner's error for a cron expression it does not read. */
export async function scheduleClock(schedule: ScheduleDefinition): Promise<ScheduleClock> {
  const { everyMs, cron } = schedule;
  if (everyMs !== undefined) {
    return {
      next: (afterMs) => (Math.floor(afterMs / everyMs) + 1) * everyMs,
      previous: (atMs) => Math.floor(atMs / everyMs) * everyMs,
    };
  }
  const { Cron } = await import("croner");
  const pattern = new Cron(cron ?? "", {
    ...CRON_OPTIONS,
    timezone: schedule.timezone ?? DEFAULT_SCHEDULE_TIMEZONE,
    paused: true,
  });
  return {
    next: (afterMs) => pattern.nextRun(new Date(afterMs))?.getTime(),
    previous: (atMs) => pattern.previousRuns(1, new Date(atMs + 1))[0]?.getTime(),
  };
}

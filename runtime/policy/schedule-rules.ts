/**
 * What the generator and the runtime agree on about schedules, as plain values: the catch-up
 * policies, how cron text is read (croner's options), and the shortest `every`. No import of the
 * cron library here, so the CLI loads it only for a schema that declares a cron schedule.
 */

/** Ticks missed while no worker ran: `none` skips them, `last` enqueues the latest one. */
export const CATCH_UP_POLICIES = ["none", "last"] as const;
export type CatchUpPolicy = (typeof CATCH_UP_POLICIES)[number];

/**
 * croner's options for every cron schedule: 5 fields (minute precision) or 6 (a leading seconds
 * field); day-of-month and day-of-week combine with OR, as in Vixie cron. DST follows the timezone:
 * a fixed time (`30 2 * * *`) that a spring-forward skips runs right after the gap, and once when a
 * fall-back repeats it; a pattern stepping through the hours (every 30 minutes) skips the gap and
 * runs in both repeated hours.
 */
export const CRON_OPTIONS = { mode: "5-or-6-parts", legacyMode: true } as const;

/** The timezone of a cron schedule that names none. */
export const DEFAULT_SCHEDULE_TIMEZONE = "UTC";

/** The shortest `every` of a schedule: 1s. */
export const MIN_SCHEDULE_EVERY_MS = 1_000;

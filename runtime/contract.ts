/**
 * What the generator (the `jobgen` CLI) and the runtime agree on, as plain values: library
 * defaults and limits, the backoff strategies and jitters, the priority levels, the duration syntax, the dead-letter
 * reasons, the error codes and the zod-issue mapper, and the format and keyword checks validators
 * call (the CLI evaluates the generator's validators with them and `@jobgen/runtime/zod`). It
 * loads neither zod nor a Redis client, so the CLI starts fast (`@jobgen/runtime/contract`).
 */
export { BACKOFF_JITTERS, BACKOFF_STRATEGIES } from "./backoff.js";
export type { BackoffJitter, BackoffStrategy } from "./backoff.js";
export * from "./defaults.js";
export { parseDurationText, toMilliseconds } from "./duration.js";
export { PRIORITY_LEVELS } from "./policy/priority.js";
export type { Priority } from "./policy/priority.js";
export type { Duration } from "./duration.js";
export * from "./errors.js";
export { DEAD_LETTER_REASONS } from "./wire/dead-letter.js";
export type { DeadLetterReason } from "./wire/dead-letter.js";
export { unsafeIntegerIssues } from "./wire/exact-integers.js";
export { FORBIDDEN_KEYS } from "./wire/validation.js";
export { isDate, isDateTime, isEmail, isUri, isUuid } from "./wire/formats.js";
export { codePointLength, hasUniqueItems, isMultipleOf, jsonEquals } from "./wire/keyword-checks.js";
export {
  CATCH_UP_POLICIES,
  CRON_OPTIONS,
  DEFAULT_SCHEDULE_TIMEZONE,
  MIN_SCHEDULE_EVERY_MS,
} from "./policy/schedule-rules.js";
export type { CatchUpPolicy } from "./policy/schedule-rules.js";

/**
 * The delay before a retry: a pure function of the policy, the retry number and a random source.
 */

/** How the delay before a retry grows; the one list the schema, worker options and codegen check against. */
export const BACKOFF_STRATEGIES = ["exponential", "linear", "constant"] as const;
export type BackoffStrategy = (typeof BACKOFF_STRATEGIES)[number];

/** Random spread added to a backoff delay: none, full (0..delay) or equal (delay/2..delay). */
export const BACKOFF_JITTERS = ["none", "full", "equal"] as const;
export type BackoffJitter = (typeof BACKOFF_JITTERS)[number];

/** A backoff policy with every field resolved (see worker options for the precedence). */
export interface ResolvedBackoffPolicy {
  readonly strategy: BackoffStrategy;
  /** Delay before the first retry, in milliseconds. */
  readonly baseMs: number;
  /** Upper bound of the delay before jitter, in milliseconds. */
  readonly maxMs: number;
  readonly jitter: BackoffJitter;
}

/** 2^1023 is the largest finite power of two; beyond it the delay is capped anyway. */
const MAX_EXPONENT = 1023;

/**
 * The delay in whole milliseconds before retry number `retryNumber` (1 for the first retry).
 *
 * With `n = retryNumber` and `base`, `max` from the policy, the delay before jitter is
 * - exponential: `d = min(base · 2^(n−1), max)`
 * - linear:      `d = min(base · n, max)`
 * - constant:    `d = min(base, max)`
 *
 * and jitter spreads it with `r = random()` in [0, 1):
 * - none:  `d`
 * - full:  `r · d` (uniform in 0..d)
 * - equal: `d/2 + r · d/2` (uniform in d/2..d)
 *
 * The result is rounded to whole milliseconds. `retryNumber` below 1 counts as 1.
 */
export function backoffDelay(
  policy: ResolvedBackoffPolicy,
  retryNumber: number,
  random: () => number = Math.random,
): number {
  const n = Math.max(1, Math.floor(retryNumber));
  const { baseMs, maxMs } = policy;
  let delay: number;
  switch (policy.strategy) {
    case "exponential":
      delay = baseMs * 2 ** Math.min(n - 1, MAX_EXPONENT);
      break;
    case "linear":
      delay = baseMs * n;
      break;
    case "constant":
      delay = baseMs;
      break;
  }
  delay = Math.min(delay, maxMs);
  switch (policy.jitter) {
    case "none":
      break;
    case "full":
      delay = random() * delay;
      break;
    case "equal":
      delay = delay / 2 + (random() * delay) / 2;
      break;
  }
  return Math.round(delay);
}

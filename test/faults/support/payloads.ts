/** Payload mixes for the load of the fault tests, drawn from a seeded PRNG. */
import type { Prng } from "./prng.js";
import { FAILURE_KINDS, type WorkPayload } from "./registry.js";

const RETRYABLE_FAILURES = FAILURE_KINDS.filter((kind) => kind !== "permanent");

/**
 * Mixed durations (mostly short, some of seconds) and failures: 10% fail once (with any kind of
 * thrown value), 3% fail past `maxRetries`, 2% fail permanently; every task has a side effect
 * through the idempotency helper.
 */
export function mixedPayload(prng: Prng, seq: number, maxRetries: number, longMs = 2_500): WorkPayload {
  const shape = prng.next();
  const durationMs =
    shape < 0.6 ? prng.int(0, 50) : shape < 0.9 ? prng.int(100, 500) : prng.int(1_000, longMs);
  const failure = prng.next();
  const payload: WorkPayload = { seq, durationMs, effect: true };
  if (failure < 0.1) return { ...payload, failTimes: 1, failWith: prng.pick(RETRYABLE_FAILURES) };
  if (failure < 0.13)
    return { ...payload, failTimes: maxRetries + 1, failWith: prng.pick(RETRYABLE_FAILURES) };
  if (failure < 0.15) return { ...payload, failTimes: 1, failWith: "permanent" };
  return payload;
}

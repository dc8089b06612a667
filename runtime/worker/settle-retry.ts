/**
 * A settle step that Redis refuses or cannot take (a write refused under `maxmemory`, Redis
 * restarting, a connection down) is sent again, with backoff from SETTLE_RETRY_BASE_MS doubling
 * up to SETTLE_RETRY_MAX_MS, until it goes through. The worker keeps the outcome meanwhile (ack,
 * retry, hand-back or dead-letter, decided once) and the lease extension (lease.ts) keeps the entry
 * its own, so the handler does not run again for the same attempt, and a long outage does not
 * count deliveries towards `poison`. Only a forced shutdown ends the wait: the entry is then left
 * pending, to be reclaimed.
 */
import { SETTLE_RETRY_BASE_MS, SETTLE_RETRY_MAX_MS } from "../defaults.js";
import { RedisError } from "../errors.js";
import type { AttemptContext } from "./attempt-context.js";
import type { TaskRun } from "./state.js";

/** How a settle step ended: `true` done, `false` the entry was another consumer's, `abandoned` by shutdown. */
export type SettleResult = boolean | "abandoned";

/** Runs `step` until it resolves; a failure that is not Redis's rejects at once. */
export async function settleUntilDone(
  run: TaskRun,
  ctx: AttemptContext,
  step: () => Promise<boolean>,
): Promise<SettleResult> {
  let waitMs = SETTLE_RETRY_BASE_MS;
  for (let tries = 1; ; tries++) {
    try {
      const done = await step();
      if (tries > 1) ctx.logger.info({ tries }, "task settled after Redis took the write again");
      return done;
    } catch (error) {
      if (!(error instanceof RedisError)) throw error;
      if (run.abandoned) return "abandoned";
      if (tries === 1)
        ctx.logger.warn(
          { err: error },
          "could not settle the task; keeping its outcome and its lease, and trying again until Redis takes it",
        );
      run.settleRetrying = true;
      await backoff(run, waitMs);
      if (run.abandoned) return "abandoned";
      waitMs = Math.min(2 * waitMs, SETTLE_RETRY_MAX_MS);
    }
  }
}

/** Waits `ms`, or less when a forced shutdown interrupts the run. */
function backoff(run: TaskRun, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    run.interrupt = () => {
      clearTimeout(timer);
      resolve();
    };
  });
}

/**
 * At shutdown, the entries the worker fetched ahead but never started are handed back to the
 * group (Provider.handBack), so another worker takes them at its next reclaim instead of after the
 * claim idle time. When that fails, or Redis does not answer within HAND_BACK_WAIT_MS (it is down:
 * the stop must not wait for it), they stay pending on this consumer and are reclaimed after the
 * claim idle time, as any entry of a dead worker: never lost.
 */
import { HAND_BACK_WAIT_MS } from "../defaults.js";
import type { DeliveredTask, Provider } from "./provider.js";
import type { WorkerState } from "./state.js";

/**
 * Hands back what waits now; with `keep` (at the end of a shutdown), every entry still pending on
 * this consumer but those (what a read cut short by the stop delivered included).
 */
export async function handBackWaiting(
  worker: WorkerState,
  provider: Provider,
  keep?: readonly DeliveredTask[],
): Promise<void> {
  const tasks = worker.waiting.splice(0);
  let timer: NodeJS.Timeout | undefined;
  try {
    const handing = keep === undefined ? provider.handBack(tasks) : provider.handBackRest(keep);
    const handed = await Promise.race([
      handing,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Redis did not answer within ${HAND_BACK_WAIT_MS}ms`)),
          HAND_BACK_WAIT_MS,
        );
      }),
    ]);
    if (handed > 0)
      worker.logger.info({ count: handed }, "fetched tasks not started handed back to the group");
  } catch (error) {
    worker.logger.warn(
      { err: error, count: tasks.length },
      "could not hand back fetched tasks; they stay pending and are reclaimed after the claim idle time",
    );
  } finally {
    clearTimeout(timer);
  }
}

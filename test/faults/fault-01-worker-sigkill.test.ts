// Fault 1: SIGKILL a random worker every few seconds under load (several workers, mixed handler
// durations), restarting it under a new consumer name.
import { it } from "vitest";
import { withFaultRun } from "./support/fault-test.js";
import { mixedPayload } from "./support/payloads.js";
import { plannedOutcome } from "./support/run.js";
import { bySchedule } from "./support/scale.js";
import { sleep } from "./support/wait.js";

const TASKS = bySchedule(600, 6_000);
const PER_SECOND = 40;
const DRAIN_BOUND_MS = bySchedule(60_000, 120_000);

it("fault 1: a worker SIGKILLed every few seconds under load loses nothing", async () => {
  await withFaultRun(
    { name: "fault-01-worker-sigkill", worker: { concurrency: 4, claimMinIdleMs: 2_000 } },
    async (run) => {
      await run.startWorkers(3);
      const killer = run.prngFor("killer");
      let loading = true;
      const load = run
        .load(TASKS, PER_SECOND, (seq) => mixedPayload(run.prng, seq, run.maxRetries), {
          // A task in flight in several killed workers in a row is poison by the delivery count.
          expect: (payload) => [plannedOutcome(payload, run.maxRetries), "dlq:poison"],
        })
        .finally(() => (loading = false));
      let kills = 0;
      for (;;) {
        await sleep(killer.int(2_000, 4_000));
        if (!loading) break;
        const victims = run.fleet.workers;
        if (victims.length === 0) continue;
        run.fleet.signal(killer.pick(victims), "SIGKILL");
        kills += 1;
      }
      await load;
      const drainedMs = await run.drain(DRAIN_BOUND_MS);
      return `${kills} SIGKILLs; drained ${drainedMs} ms after the load (bound ${DRAIN_BOUND_MS})`;
    },
  );
});

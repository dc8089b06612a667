// Fault 1: SIGKILL a random worker every few seconds under load (several workers, mixed handler
// durations), restarting it under a new consumer name. On its own redis-server by default; on a
// shared Redis (FAULTS_REDIS_URL, or the Cluster of `npm run test:cluster`: support/target.ts) with
// the queue partitioned over the masters and a shorter load, to fit the Cluster run's time.
import { it } from "vitest";
import { withFaultRun } from "./support/fault-test.js";
import { mixedPayload } from "./support/payloads.js";
import { plannedOutcome } from "./support/run.js";
import { bySchedule } from "./support/scale.js";
import { SHARED_PARTITIONS, sharedRedisUrl } from "./support/target.js";
import { sleep } from "./support/wait.js";

const SHARED = sharedRedisUrl() !== undefined;
const TASKS = SHARED ? 300 : bySchedule(600, 6_000);
const PER_SECOND = 40;
const DRAIN_BOUND_MS = bySchedule(60_000, 120_000);

it(
  "fault 1: a worker SIGKILLed every few seconds under load loses nothing",
  { timeout: 10 * 60_000 },
  async () => {
    await withFaultRun(
      {
        name: "fault-01-worker-sigkill",
        worker: { concurrency: 4, claimMinIdleMs: 2_000 },
        ...(SHARED ? { registry: { partitions: SHARED_PARTITIONS } } : {}),
      },
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
  },
);

// Fault 6, combined with an outage: SIGTERM reaches the workers while redis-server is down (killed;
// AOF keeps the data). Settling and fetching cannot reach Redis, yet each worker must still exit
// within shutdownTimeout + 1 s, leaving its tasks pending; after Redis is back, new workers finish
// everything.
import { it } from "vitest";
import { withFaultRun } from "./support/fault-test.js";
import { bySchedule } from "./support/scale.js";
import { sleep } from "./support/wait.js";

const SHUTDOWN_TIMEOUT_MS = 1_500;
const EXIT_BOUND_MS = SHUTDOWN_TIMEOUT_MS + 1_000;
const ROUNDS = bySchedule(2, 5);
const DRAIN_BOUND_MS = 60_000;

it("fault 6b: SIGTERM while Redis is down: exit within shutdownTimeout + 1 s, nothing lost", async () => {
  await withFaultRun(
    {
      name: "fault-06b-sigterm-redis-down",
      persistent: true,
      worker: { concurrency: 4, claimMinIdleMs: 2_000, shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS },
    },
    async (run) => {
      run.fleet.restart = false;
      const payloads = run.prngFor("payloads");
      const exitTimes: number[] = [];
      let seq = 0;
      for (let round = 0; round < ROUNDS; round++) {
        await run.startWorkers(2);
        const load = run.load(
          40,
          40,
          () => ({ seq: seq++, durationMs: payloads.int(300, 1_500), effect: true }),
          {
            // A task cut by a shutdown in every round is delivered once more each time: past maxDeliveries it is
            // poison by the runtime's rule (with Redis down nothing else can be done with it at shutdown).
            expect: () => ["done", "dlq:poison"],
          },
        );
        await sleep(1_500);
        run.ledger.write({ ev: "outage", what: "redis-server SIGKILL, then SIGTERM to the workers" });
        await run.redis.kill();
        const workers = run.fleet.workers;
        const signalledAt = Date.now();
        for (const worker of workers) run.fleet.signal(worker, "SIGTERM");
        const exits = await Promise.all(
          workers.map(async (worker) => {
            const timeout = sleep(EXIT_BOUND_MS + 10_000).then(() => "still running" as const);
            const exit = await Promise.race([worker.exited, timeout]);
            const tookMs = Date.now() - signalledAt;
            if (exit === "still running") run.fleet.signal(worker, "SIGKILL");
            return { worker, tookMs, exit };
          }),
        );
        for (const { worker, tookMs, exit } of exits) {
          exitTimes.push(tookMs);
          if (tookMs > EXIT_BOUND_MS) {
            run.violate(
              `${worker.consumer} exited ${tookMs} ms after SIGTERM with Redis down (bound ${EXIT_BOUND_MS})`,
            );
          }
          if (exit !== "still running" && exit.code !== 0) {
            run.violate(`${worker.consumer} exited with ${exit.code ?? exit.signal}`);
          }
        }
        await run.redis.restart();
        await load;
      }
      await run.startWorkers(2);
      const drainedMs = await run.drain(DRAIN_BOUND_MS);
      return `${exitTimes.length} SIGTERMs with Redis down, exits after ${exitTimes.join("/")} ms (bound ${EXIT_BOUND_MS}); drained in ${drainedMs} ms`;
    },
  );
});

// Fault 7: redis-server SIGKILLed and restarted (AOF, appendfsync always) several times under
// load: nothing accepted is lost, and workers and producers resume by themselves (no worker is
// restarted by the test).
import { it } from "vitest";
import { withFaultRun } from "./support/fault-test.js";
import { mixedPayload } from "./support/payloads.js";
import { bySchedule } from "./support/scale.js";
import { sleep, waitFor } from "./support/wait.js";

const TASKS = bySchedule(800, 5_000);
const PER_SECOND = bySchedule(40, 40);
const RESTARTS = bySchedule(3, 10);
const RESUME_BOUND_MS = 15_000;
const DRAIN_BOUND_MS = bySchedule(60_000, 120_000);

it("fault 7: redis-server killed and restarted with AOF under load: 0 lost, everyone resumes", async () => {
  await withFaultRun(
    {
      name: "fault-07-redis-restart-aof",
      persistent: true,
      worker: { concurrency: 4, claimMinIdleMs: 2_000 },
    },
    async (run) => {
      run.fleet.restart = false;
      await run.startWorkers(3);
      const outages = run.prngFor("outages");
      const load = run.load(TASKS, PER_SECOND, (seq) => mixedPayload(run.prng, seq, run.maxRetries, 1_000), {
        // Half the producers retry with an idempotency key, half give up: a task enqueued once
        // must run once either way (an ioredis resend of the enqueue script must not write it twice).
        onOutage: (payload) => (payload.seq % 2 === 0 ? "retry" : "give-up"),
      });
      const resumes: number[] = [];
      for (let i = 0; i < RESTARTS; i++) {
        await sleep(outages.int(2_000, 4_000));
        run.ledger.write({ ev: "outage", what: "redis-server SIGKILL" });
        await run.redis.kill();
        await sleep(outages.int(200, 1_500));
        await run.redis.restart();
        const restartedAt = Date.now();
        await waitFor("a task to be done after the restart", () => run.state.lastDoneAt > restartedAt, {
          timeoutMs: RESUME_BOUND_MS,
        });
        resumes.push(Date.now() - restartedAt);
      }
      await load;
      const drainedMs = await run.drain(DRAIN_BOUND_MS);
      run.refresh();
      if (run.state.exits.length > 0)
        run.violate(`${run.state.exits.length} workers exited during the outages`);
      return `${RESTARTS} redis restarts, work resumed after ${resumes.join("/")} ms; drained in ${drainedMs} ms`;
    },
  );
});

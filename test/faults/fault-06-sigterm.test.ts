// Fault 6: SIGTERM during processing. The worker reads no new work after the signal (its command
// hook reports any XREADGROUP / XAUTOCLAIM sent after it saw SIGTERM), its in-flight tasks finish or
// are left to be retried, and it exits within shutdownTimeout + 1 s.
import { it } from "vitest";
import { withFaultRun } from "./support/fault-test.js";
import { bySchedule } from "./support/scale.js";
import { sleep } from "./support/wait.js";

const SHUTDOWN_TIMEOUT_MS = 1_500;
const EXIT_BOUND_MS = SHUTDOWN_TIMEOUT_MS + 1_000;
// 3 workers × 4 slots at ~1.3 s a task handle about 9 tasks a second: the load stays below that.
const TASKS = bySchedule(140, 1_000);
const PER_SECOND = 7;
const DRAIN_BOUND_MS = bySchedule(60_000, 120_000);

it("fault 6: SIGTERM stops reads, keeps in-flight tasks, exits within shutdownTimeout + 1 s", async () => {
  await withFaultRun(
    {
      name: "fault-06-sigterm",
      worker: { concurrency: 4, claimMinIdleMs: 2_000, shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS },
    },
    async (run) => {
      await run.startWorkers(3);
      const payloads = run.prngFor("payloads");
      const chooser = run.prngFor("signals");
      let loading = true;
      const load = run
        .load(TASKS, PER_SECOND, (seq) => ({
          seq,
          durationMs: payloads.int(50, 2_500),
          // Some handlers ignore ctx.signal: the forced phase of the shutdown must not wait for them.
          ...(payloads.chance(0.3) ? { respectSignal: false } : {}),
          effect: true,
        }))
        .finally(() => (loading = false));
      const exitTimes: number[] = [];
      while (loading) {
        await sleep(chooser.int(2_000, 4_000));
        const busy = run.fleet.workers.filter((w) => run.state.inFlight(w.pid) > 0);
        const candidates = busy.length > 0 ? busy : run.fleet.workers;
        if (candidates.length === 0) continue;
        const victim = chooser.pick(candidates);
        const signalledAt = Date.now();
        run.fleet.signal(victim, "SIGTERM");
        const exit = await victim.exited;
        const tookMs = Date.now() - signalledAt;
        exitTimes.push(tookMs);
        if (tookMs > EXIT_BOUND_MS)
          run.violate(`${victim.consumer} exited ${tookMs} ms after SIGTERM (bound ${EXIT_BOUND_MS})`);
        if (exit.code !== 0)
          run.violate(`${victim.consumer} exited with ${exit.code ?? exit.signal} after SIGTERM`);
        run.refresh();
        if (!run.state.sigtermSeen.has(victim.pid)) run.violate(`${victim.consumer} never saw its SIGTERM`);
      }
      await load;
      const drainedMs = await run.drain(DRAIN_BOUND_MS);
      return `${exitTimes.length} SIGTERMs, exits in ${Math.min(...exitTimes)}–${Math.max(...exitTimes)} ms (bound ${EXIT_BOUND_MS}); drained in ${drainedMs} ms`;
    },
  );
});

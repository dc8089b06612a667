// Fault 2: SIGKILL exactly at a retry / dead-letter transition. Each is one Lua script, so
// there is no "between" on Redis: the worker kills itself right before the script call is sent
// and right after its reply arrives (the command hook of test/faults/support/hook.ts), many times.
import { it } from "vitest";
import { withFaultRun } from "./support/fault-test.js";
import type { KillPoint } from "./support/hook.js";
import type { WorkPayload } from "./support/registry.js";
import { bySchedule } from "./support/scale.js";

const TASKS = bySchedule(24, 120);
const MAX_RETRIES = 1;
const DRAIN_BOUND_MS = bySchedule(90_000, 300_000);

/** What each task does, and how many failing attempts (each killed once at its transition) it has. */
const SHAPES: readonly { shape: string; payload: Omit<WorkPayload, "seq" | "killAt">; failures: number }[] = [
  { shape: "retry then success", payload: { failTimes: 1 }, failures: 1 },
  { shape: "permanent", payload: { failTimes: 1, failWith: "permanent" }, failures: 1 },
  { shape: "max_retries", payload: { failTimes: MAX_RETRIES + 1 }, failures: MAX_RETRIES + 1 },
];
const POINTS: readonly KillPoint[] = ["before-transition", "after-transition"];

it("fault 2: a worker killed right before or after each transition script loses nothing", async () => {
  await withFaultRun(
    {
      name: "fault-02-transition-kill",
      registry: { maxRetries: MAX_RETRIES },
      // One handler at a time per process, so each self-kill strikes at the transition of the task
      // that armed it (the next task's handler may be running then; its kill is armed again on
      // redelivery).
      worker: { concurrency: 1, claimMinIdleMs: 1_000 },
    },
    async (run) => {
      await run.startWorkers(3);
      let plannedKills = 0;
      for (let seq = 0; seq < TASKS; seq++) {
        const { payload, failures } = SHAPES[seq % SHAPES.length] ?? { payload: {}, failures: 0 };
        const killAt = POINTS[Math.floor(seq / SHAPES.length) % POINTS.length] ?? "before-transition";
        plannedKills += failures;
        await run.enqueue({ seq, ...payload, killAt, effect: true });
      }
      const drainedMs = await run.drain(DRAIN_BOUND_MS);
      const byPoint = POINTS.map((p) => `${p} ${run.state.hooks.filter((h) => h.point === p).length}`).join(
        ", ",
      );
      // Each failing attempt strikes its kill at most once, and every failing run of an attempt is
      // explained: its kill struck here; or it struck before, elsewhere (a kill before the script
      // leaves the attempt to a redelivery, which runs its transition unharmed); or this process
      // was killed first by the kill of the task before it, whose transition was still on its way
      // when this handler failed (concurrency 1 frees the slot while a task settles).
      let cutShort = 0;
      for (const [id, starts] of run.state.starts) {
        for (const start of starts.filter((s) => s.failed === true)) {
          const kills = run.state.hooks.filter((h) => h.id === id && h.attempt === start.attempt);
          if (kills.length > 1)
            run.violate(`attempt ${start.attempt} of ${id} was killed ${kills.length} times`);
          if (kills.some((h) => h.pid === start.pid || h.t < start.t)) continue;
          if (run.state.hooks.some((h) => h.pid === start.pid && h.t >= (start.outcomeT ?? 0))) cutShort++;
          else
            run.violate(`attempt ${start.attempt} of ${id} failed in pid ${start.pid}, and no kill struck`);
        }
      }
      if (run.state.hooks.length === 0 || run.state.hooks.length > plannedKills) {
        run.violate(
          `the hook killed ${run.state.hooks.length} times, planned ${plannedKills} (one per failing attempt)`,
        );
      }
      return (
        `${run.state.hooks.length} self-kills at transitions (${byPoint}), ${cutShort} failing attempts cut short ` +
        `by the kill of the task before; planned ${plannedKills}; drained in ${drainedMs} ms (bound ${DRAIN_BOUND_MS})`
      );
    },
  );
});

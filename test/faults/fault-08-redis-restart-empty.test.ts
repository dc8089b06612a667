// Fault 8: redis-server restarted WITHOUT persistence. The queue state is gone (that loss is the
// fault's, not the runtime's); workers must recreate their group, say loudly that the queue state
// was lost, and process everything enqueued afterwards without being restarted.
import { readFileSync } from "node:fs";
import { it } from "vitest";
import { withFaultRun } from "./support/fault-test.js";
import { bySchedule } from "./support/scale.js";
import { sleep } from "./support/wait.js";

const BEFORE = 100;
const AFTER = bySchedule(200, 2_000);
const DRAIN_BOUND_MS = 60_000;
const LOUD_LEVEL = 40; // pino "warn"
const SAYS_STATE_LOST = /lost|recreat|NOGROUP|group/i;

function loudLines(logPath: string): string[] {
  return readFileSync(logPath, "utf8")
    .split("\n")
    .filter((line) => {
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string };
        return (entry.level ?? 0) >= LOUD_LEVEL && SAYS_STATE_LOST.test(entry.msg ?? "");
      } catch {
        return false;
      }
    });
}

it("fault 8: after a restart without persistence, workers recreate the group and go on", async () => {
  await withFaultRun(
    { name: "fault-08-redis-restart-empty", worker: { concurrency: 4, claimMinIdleMs: 2_000 } },
    async (run) => {
      run.fleet.restart = false;
      await run.startWorkers(2);
      const workers = run.fleet.workers;
      await run.load(BEFORE, 100, (seq) => ({ seq, durationMs: 300 }));
      await sleep(500);
      run.ledger.write({ ev: "outage", what: "redis-server restarted empty" });
      await run.redis.restartEmpty(run.dir);
      run.refresh();
      for (const id of run.state.enqueued.keys()) run.lostByDesign.add(id);

      await run.load(AFTER, 50, (seq) => ({ seq: BEFORE + seq, durationMs: 20 }), { retryForMs: 30_000 });
      const drainedMs = await run.drain(DRAIN_BOUND_MS);
      const silent = workers.filter((w) => loudLines(w.logPath).length === 0).map((w) => w.consumer);
      if (silent.length > 0) run.violate(`no warning that queue state was lost from ${silent.join(", ")}`);
      run.refresh();
      if (run.state.exits.length > 0) run.violate(`${run.state.exits.length} workers exited`);
      const said = workers.map((w) => loudLines(w.logPath)[0] ?? "").find((l) => l !== "") ?? "";
      return `drained in ${drainedMs} ms; workers said: ${said.slice(0, 160)}`;
    },
  );
});

// Fault 8: redis-server restarted WITHOUT persistence. The queue state is gone (that loss is the
// fault's, not the runtime's); the workers must recreate their group, one of them saying loudly that
// the queue state was lost, and process everything enqueued afterwards without being restarted.
import { readFileSync } from "node:fs";
import { it } from "vitest";
import { withFaultRun } from "./support/fault-test.js";
import { bySchedule } from "./support/scale.js";
import { sleep } from "./support/wait.js";

const BEFORE = 100;
const AFTER = bySchedule(200, 2_000);
const DRAIN_BOUND_MS = 60_000;
const LOUD_LEVEL = 40; // pino "warn"
const SAYS_STATE_LOST = /lost/i;

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

      await run.load(AFTER, 50, (seq) => ({ seq: BEFORE + seq, durationMs: 20 }), {
        onOutage: () => "retry",
      });
      const drainedMs = await run.drain(DRAIN_BOUND_MS);
      // The first worker to meet the missing group recreates it and says so; the others then find it there.
      const loud = workers.flatMap((w) => loudLines(w.logPath));
      if (loud.length === 0) run.violate("no worker said (at warn or above) that the queue state was lost");
      run.refresh();
      if (run.state.exits.length > 0) run.violate(`${run.state.exits.length} workers exited`);
      const said = (JSON.parse(loud[0] ?? "{}") as { msg?: string }).msg ?? "";
      return `drained in ${drainedMs} ms; ${loud.length} loud log lines, e.g. "${said.slice(0, 100)}…"`;
    },
  );
});

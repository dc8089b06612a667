// Fault 9: CLIENT KILL on the worker's connections, repeatedly: all normal clients at once
// (TYPE normal, which also cuts the producer) or one connection by address. And the sharpest cut:
// a connection lost after Redis ran a command but before its reply arrived (a proxy swallows it).
import { describe, it } from "vitest";
import { withFaultRun } from "./support/fault-test.js";
import { mixedPayload } from "./support/payloads.js";
import { bySchedule } from "./support/scale.js";
import { sleep } from "./support/wait.js";

const TASKS = bySchedule(600, 5_000);
const LOST_REPLY_TASKS = bySchedule(400, 3_000);
const PER_SECOND = 40;
const DRAIN_BOUND_MS = bySchedule(60_000, 120_000);

describe("fault 9: connections cut", () => {
  it("by CLIENT KILL, repeatedly, lose nothing", async () => {
    await withFaultRun(
      { name: "fault-09-client-kill", worker: { concurrency: 4, claimMinIdleMs: 2_000 } },
      async (run) => {
        run.fleet.restart = false;
        await run.startWorkers(3);
        const killer = run.prngFor("client-kill");
        let loading = true;
        const load = run
          .load(TASKS, PER_SECOND, (seq) => mixedPayload(run.prng, seq, run.maxRetries, 1_000), {
            // Half the producers retry with an idempotency key, half give up: a task enqueued once
            // must run once either way (an ioredis resend of the enqueue script must not write it twice).
            onOutage: (payload) => (payload.seq % 2 === 0 ? "retry" : "give-up"),
          })
          .finally(() => (loading = false));
        const ownId = String(await run.admin.client("ID"));
        let byType = 0;
        let byAddress = 0;
        while (loading) {
          await sleep(killer.int(1_000, 2_500));
          run.ledger.write({ ev: "outage", what: "CLIENT KILL" });
          if (killer.chance(0.4)) {
            await run.admin.client("KILL", "TYPE", "normal");
            byType += 1;
            continue;
          }
          const clients = String(await run.admin.client("LIST"))
            .split("\n")
            .map((line) => new Map(line.split(" ").map((kv) => kv.split("=", 2) as [string, string])))
            .filter((c) => c.get("id") !== undefined && c.get("id") !== ownId);
          if (clients.length === 0) continue;
          const address = killer.pick(clients).get("addr");
          if (address !== undefined) {
            await run.admin.client("KILL", "ADDR", address).catch(() => undefined);
            byAddress += 1;
          }
        }
        await load;
        const drainedMs = await run.drain(DRAIN_BOUND_MS);
        run.refresh();
        if (run.state.exits.length > 0) run.violate(`${run.state.exits.length} workers exited`);
        return `${byType} CLIENT KILL TYPE normal, ${byAddress} by address; drained in ${drainedMs} ms`;
      },
    );
  });

  it("after a command ran but before its reply arrived: nothing lost, nothing run twice", async () => {
    await withFaultRun(
      {
        name: "fault-09b-lost-replies",
        throughProxy: true,
        worker: { concurrency: 4, claimMinIdleMs: 2_000 },
      },
      async (run) => {
        const proxy = run.proxy;
        if (!proxy) throw new Error("no proxy");
        run.fleet.restart = false;
        await run.startWorkers(3);
        const dropper = run.prngFor("reply-drops");
        let loading = true;
        const load = run
          .load(LOST_REPLY_TASKS, PER_SECOND, (seq) => mixedPayload(run.prng, seq, run.maxRetries, 1_000), {
            onOutage: (payload) => (payload.seq % 2 === 0 ? "retry" : "give-up"),
          })
          .finally(() => (loading = false));
        while (loading) {
          await sleep(dropper.int(200, 600));
          proxy.dropNextReply();
        }
        await load;
        const drainedMs = await run.drain(DRAIN_BOUND_MS);
        run.refresh();
        if (run.state.exits.length > 0) run.violate(`${run.state.exits.length} workers exited`);
        // No outage is recorded for a lost reply: a task that runs twice here is a duplicate no fault excuses.
        return `${proxy.dropped} replies lost (connection cut after the command ran); drained in ${drainedMs} ms`;
      },
    );
  });
});

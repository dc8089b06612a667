// Fault 3: handlers slower than the claim idle time. With lease extension (a live worker), no task
// runs twice. Without it (the owner frozen by SIGSTOP, so it cannot extend), another worker
// reclaims the entry; the late ack of the old owner must not remove the new owner's entry.
import { describe, it } from "vitest";
import { withFaultRun } from "./support/fault-test.js";
import { bySchedule } from "./support/scale.js";
import { sleep, waitFor } from "./support/wait.js";

const CLAIM_IDLE_MS = 1_000;
const SLOW_MS = 4 * CLAIM_IDLE_MS;
const SLOW_TASKS = bySchedule(8, 40);

describe("fault 3: a handler slower than the claim idle time", () => {
  it("with lease extension (the owner alive) runs once", async () => {
    await withFaultRun(
      { name: "fault-03a-lease-extension", worker: { concurrency: 4, claimMinIdleMs: CLAIM_IDLE_MS } },
      async (run) => {
        await run.startWorkers(2);
        for (let seq = 0; seq < SLOW_TASKS; seq++)
          await run.enqueue({ seq, durationMs: SLOW_MS, effect: true });
        const bound = SLOW_MS * Math.ceil(SLOW_TASKS / 8) + 20_000;
        const drainedMs = await run.drain(bound);
        // Nothing interrupted any attempt here, so the checker's I2 allows no repeated start at all.
        return `claim idle ${CLAIM_IDLE_MS} ms, handlers ${SLOW_MS} ms; drained in ${drainedMs} ms (bound ${bound})`;
      },
    );
  });

  it("without it (the owner frozen): reclaimed, and the late ack keeps the new owner's entry", async () => {
    const claimIdleMs = 3_000;
    await withFaultRun(
      { name: "fault-03b-late-ack", worker: { concurrency: 1, claimMinIdleMs: claimIdleMs } },
      async (run) => {
        await run.startWorkers(1);
        const [first] = run.fleet.workers;
        if (!first) throw new Error("no worker");
        const id = await run.enqueue({ seq: 0, durationMs: 2_000, respectSignal: false, effect: true });
        if (id === undefined) throw new Error("not accepted");
        const startsOf = () => run.state.starts.get(id) ?? [];
        await waitFor("the first worker to start the task", () => startsOf().length === 1, {
          timeoutMs: 10_000,
        });
        run.fleet.signal(first, "SIGSTOP");

        await run.startWorkers(1);
        await waitFor("another worker to reclaim and start it", () => startsOf().length === 2, {
          timeoutMs: claimIdleMs + 15_000,
        });
        const second = run.fleet.find(startsOf()[1]?.pid ?? 0);
        if (!second) throw new Error("the reclaiming worker is gone");
        run.fleet.signal(second, "SIGSTOP");
        const [pending] = (await run.admin.xpending(run.keys.stream, "workers", "-", "+", 10)) as [
          string,
          string,
          number,
          number,
        ][];
        const entryId = pending?.[0];
        if (pending?.[1] !== second.consumer)
          run.violate(`entry owned by ${pending?.[1]}, not the reclaimer`);

        run.fleet.signal(first, "SIGCONT");
        await waitFor(
          "the frozen worker's handler to finish (its ack comes late)",
          () => run.state.done.has(id),
          {
            timeoutMs: 10_000,
          },
        );
        await sleep(1_000);
        const after = (await run.admin.xpending(run.keys.stream, "workers", "-", "+", 10)) as [
          string,
          string,
        ][];
        const kept = after.find(([entry]) => entry === entryId);
        if (kept === undefined)
          run.violate("the late ack of the old owner removed the new owner's pending entry");
        else if (kept[1] !== second.consumer)
          run.violate(`the old owner took the entry back (owner now ${kept[1]})`);

        // The new owner dies: its entry must be reclaimed and finished by someone else.
        run.fleet.signal(second, "SIGKILL");
        const drainedMs = await run.drain(claimIdleMs + 20_000);
        return `late ack refused: ${kept?.[1] === second.consumer}; drained in ${drainedMs} ms`;
      },
    );
  });
});

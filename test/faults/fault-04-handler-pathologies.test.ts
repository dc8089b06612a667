// Fault 4: handlers that hang ignoring the signal, loop synchronously (the whole process blocks;
// a watchdog SIGKILLs it and another worker must reclaim the entry), throw non-Error values,
// reject, and exit the process.
import { it } from "vitest";
import { withFaultRun } from "./support/fault-test.js";
import { FAILURE_KINDS, type WorkPayload } from "./support/registry.js";
import { bySchedule } from "./support/scale.js";

const MAX_RETRIES = 2;
const ROUNDS = bySchedule(2, 8);
const DRAIN_BOUND_MS = bySchedule(90_000, 300_000);

const PATHOLOGIES: readonly Omit<WorkPayload, "seq">[] = [
  { hang: "once" },
  { hang: "always" },
  { syncLoop: "once" },
  { syncLoop: "always" },
  { exit: "once" },
  { exit: "always" },
  ...FAILURE_KINDS.filter((k) => k !== "permanent").map((failWith) => ({ failTimes: 1, failWith })),
  ...FAILURE_KINDS.filter((k) => k !== "permanent").map((failWith) => ({
    failTimes: MAX_RETRIES + 1,
    failWith,
  })),
  { failTimes: 1, failWith: "permanent" },
  { durationMs: 50 },
  { durationMs: 500 },
];

it("fault 4: hanging, looping, non-Error-throwing, rejecting and exiting handlers lose nothing", async () => {
  await withFaultRun(
    {
      name: "fault-04-handler-pathologies",
      registry: { maxRetries: MAX_RETRIES, timeoutMs: 1_000 },
      // One task at a time per process: a task that kills its process takes no bystander with it.
      worker: { concurrency: 1, claimMinIdleMs: 2_000, maxDeliveries: 3 },
      killBlockedAfterMs: 500,
    },
    async (run) => {
      await run.startWorkers(3);
      let seq = 0;
      const failWithOf = new Map<string, string | undefined>();
      for (let round = 0; round < ROUNDS; round++) {
        for (const pathology of PATHOLOGIES) {
          const id = await run.enqueue({ seq: seq++, ...pathology });
          if (id !== undefined) failWithOf.set(id, pathology.failWith);
        }
      }
      const drainedMs = await run.drain(DRAIN_BOUND_MS);
      for (const [id, records] of run.deadLetters) {
        const thrown = failWithOf.get(id);
        for (const record of records) {
          if (record.error.trim() === "")
            run.violate(`${id}: dead-lettered (${record.reason}) without its last error`);
          // A thrown string or object still tells the DLQ reader what went wrong.
          if ((thrown === "string" || thrown === "object") && !record.error.includes("planned failure")) {
            run.violate(`${id}: threw a ${thrown}, but the DLQ says "${record.error}"`);
          }
        }
      }
      return `${run.state.blocked.length} process-blocking loops killed; drained in ${drainedMs} ms (bound ${DRAIN_BOUND_MS})`;
    },
  );
});

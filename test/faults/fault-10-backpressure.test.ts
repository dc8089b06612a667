// Fault 10: a backlog of maxLen = 100k tasks and more enqueues beyond it:
// each one past the limit is refused with QueueFullError (by enqueueBulk, item by item, and by enqueue),
// nothing accepted is trimmed, and once
// workers drain the backlog the queue accepts again.
import { it } from "vitest";
import { withFaultRun } from "./support/fault-test.js";
import { bySchedule } from "./support/scale.js";

const MAX_LEN = 100_000;
const BEYOND = bySchedule(2_000, 10_000);
const DRAIN_BOUND_MS = 180_000;
/** Items per `enqueueBulk` call; the limit falls inside one of them. */
const BULK = 1_500;

it("fault 10: a full queue refuses enqueue with QueueFullError and trims nothing", async () => {
  await withFaultRun(
    { name: "fault-10-backpressure", registry: { maxLen: MAX_LEN }, worker: { concurrency: 32 } },
    async (run) => {
      // Most of the backlog in bulk (the chunk that fills the queue is accepted part way), the rest one by one.
      const bulkItems = MAX_LEN + BEYOND / 2;
      for (let seq = 0; seq < bulkItems; seq += BULK) {
        const size = Math.min(BULK, bulkItems - seq);
        await run.enqueueBulk(Array.from({ length: size }, (_, i) => ({ seq: seq + i })));
      }
      await run.load(BEYOND / 2, 1_000_000, (i) => ({ seq: bulkItems + i }), { inFlight: 256 });
      run.refresh();
      const accepted = run.state.enqueued.size;
      const length = await run.admin.xlen(run.keys.stream);
      if (accepted !== MAX_LEN) run.violate(`${accepted} accepted into an empty queue of maxLen ${MAX_LEN}`);
      if (run.state.refused !== BEYOND) run.violate(`${run.state.refused} refused, expected ${BEYOND}`);
      if (length !== accepted) run.violate(`stream holds ${length} entries for ${accepted} accepted tasks`);

      await run.startWorkers(2);
      const drainedMs = await run.drain(DRAIN_BOUND_MS);
      const again = await run.enqueue({ seq: MAX_LEN + BEYOND });
      if (again === undefined) run.violate("the drained queue still refuses enqueue");
      await run.drain(10_000);
      return `backlog ${length} (maxLen ${MAX_LEN}); drained in ${drainedMs} ms (bound ${DRAIN_BOUND_MS})`;
    },
  );
});

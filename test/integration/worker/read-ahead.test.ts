// Read-ahead with hand-back: a worker keeps up to `concurrency` entries fetched ahead while its
// handlers run; at stop() it hands those back to the group, so a second worker takes them at its
// next reclaim, long before the claim idle time, and their delivery does not count.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { MiddlewareContext } from "../../../runtime/worker/middleware/compose.js";
import { eventually } from "../../support/provider.js";
import { testRegistry } from "../../support/registry.js";
import { addRaw, queueState, work, workerTestBed, type WorkerTestBed } from "../../support/worker.js";

const registry = testRegistry();
const noop = async () => {};

describe("worker: read-ahead and hand-back at shutdown", () => {
  let bed: WorkerTestBed;
  beforeEach(() => {
    bed = workerTestBed(registry, "worker-read-ahead");
  });
  afterEach(async () => {
    await bed.cleanup();
  });

  it("reads the next entries while a batch runs, and hands them back at stop for another worker", async () => {
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push(await addRaw(bed.redis, bed.keys.stream));
    const handledByFirst: string[] = [];
    const first = bed.worker(
      {
        send_email: async (_payload: unknown, ctx) => {
          handledByFirst.push(ctx.taskId);
          await work(400);
        },
        resize_image: noop,
      },
      { concurrency: 2, claimMinIdle: 30_000, readAhead: true },
    );
    await first.start();
    // 2 running and 2 read ahead: 4 entries pending on the first worker, 2 still unread.
    await eventually(async () => (await pendingOf(bed)).length === 4, "read ahead");
    expect(handledByFirst).toHaveLength(2);
    const stopped = first.stop();

    const handledBySecond: { taskId: string; deliveryCount: number }[] = [];
    const second = bed.worker(
      {
        send_email: noop,
        resize_image: noop,
      },
      { concurrency: 2, claimMinIdle: 30_000 },
    );
    second.use(async (ctx: MiddlewareContext, next) => {
      handledBySecond.push({ taskId: ctx.taskId, deliveryCount: ctx.task.deliveryCount });
      await next();
    });
    const startedAt = Date.now();
    await second.start();
    await stopped;
    await eventually(async () => handledBySecond.length === 4, "the rest handled by the second worker");
    // Well within the claim idle time (30 s): the two read ahead were handed back, not left pending.
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(new Set([...handledByFirst, ...handledBySecond.map((h) => h.taskId)])).toEqual(new Set(ids));
    expect(handledByFirst).toHaveLength(2);
    // A handed-back entry was never run: its reclaim is its first counted delivery.
    expect(handledBySecond.map((h) => h.deliveryCount)).toEqual([1, 1, 1, 1]);
    await eventually(async () => (await queueState(bed.redis, bed.keys)).stream === 0, "all acked");
  });

  it("extends the lease of entries read ahead, so no worker reclaims them before they start", async () => {
    for (let i = 0; i < 4; i++) await addRaw(bed.redis, bed.keys.stream);
    const worker = bed.worker(
      {
        send_email: async () => work(700),
        resize_image: noop,
      },
      { concurrency: 2, claimMinIdle: 400, leaseInterval: 100, readAhead: true },
    );
    await worker.start();
    await eventually(async () => (await pendingOf(bed)).length === 4, "read ahead");
    await work(500);
    // Past the claim idle time, every entry held (running or waiting) was touched by the lease.
    const idle = (await pendingOf(bed)).map((row) => row.idleMs);
    expect(Math.max(...idle)).toBeLessThan(400);
  });
});

/** This test's pending entries: id, consumer, idle ms, deliveries. */
async function pendingOf(bed: WorkerTestBed) {
  const rows = (await bed.redis.xpending(bed.keys.stream, "workers", "-", "+", 100)) as [
    string,
    string,
    number,
    number,
  ][];
  return rows.map(([id, consumer, idleMs, deliveries]) => ({ id, consumer, idleMs, deliveries }));
}

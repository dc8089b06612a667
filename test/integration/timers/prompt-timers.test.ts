/**
 * Prompt timers against a real Redis: a retry starts on time while its worker idles in a 1s
 * blocking read; a delayed task is promoted although no worker consumes its queue; a backlog of
 * stale entries drains about as fast as a plain XAUTOCLAIM loop.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RetryAfterError } from "../../../runtime/errors.js";
import { createProducer } from "../../../runtime/producer/producer.js";
import { queueKeys } from "../../../runtime/redis/keys.js";
import type { TaskContext } from "../../../runtime/types.js";
import { eventually, quietLogger } from "../../support/provider.js";
import { testRedisUrl } from "../../support/redis.js";
import { testRegistry } from "../../support/registry.js";
import { addRaw, queueState, workerTestBed, type WorkerTestBed } from "../../support/worker.js";
import { drainWithPlainLoop, makeStaleBacklog } from "../../support/stale-backlog.js";

const registry = testRegistry();
const noop = async () => {};
const idle = { block: 1000 } as const; // the library default: a worker idles in 1s blocking reads

describe("prompt timers", () => {
  let bed: WorkerTestBed;
  beforeEach(() => {
    bed = workerTestBed(registry, "timers");
  });
  afterEach(() => bed.cleanup());

  // The target (p99 < 50ms) holds when this file runs alone and is measured by `npm run
  // bench:timers`; beside the rest of the suite on 2 shared cores (or a local Cluster) a stall of
  // the machine delays a whole round (~90ms in `npm test`, ~260ms in `test:cluster`), so the tail
  // bound here is loose; the median is the sharp check (the defect: p50 ~150ms, p99 ~1s).
  it("starts a 100ms retry on time while the worker idles (p50 < 20ms, p99 < 500ms late)", async () => {
    const failedAt = new Map<string, number>();
    const lateness: number[] = [];
    const worker = bed.worker(
      {
        send_email: async (_payload: unknown, ctx: TaskContext) => {
          const failed = failedAt.get(ctx.taskId);
          if (failed === undefined) {
            failedAt.set(ctx.taskId, Date.now());
            throw new RetryAfterError(100, "try again in 100ms");
          }
          lateness.push(Date.now() - failed - 100);
        },
        resize_image: noop,
      },
      idle,
    );
    await worker.start();
    const rounds = 8;
    const perRound = 4;
    const count = rounds * perRound;
    for (let i = 0; i < rounds; i++) {
      for (let k = 0; k < perRound; k++) await addRaw(bed.redis, bed.keys.stream);
      await new Promise((resolve) => setTimeout(resolve, 250)); // the retries fall due while the worker idles
    }
    await eventually(async () => lateness.length === count, "every task retried once", 10_000);
    const sorted = [...lateness].sort((a, b) => a - b);
    const p99 = sorted[Math.ceil(0.99 * sorted.length) - 1]!;
    expect(sorted[0]).toBeGreaterThanOrEqual(0); // never early
    const p50 = sorted[Math.ceil(0.5 * sorted.length) - 1]!;
    expect(p50, `lateness ms, sorted: ${sorted.join(",")}`).toBeLessThan(20);
    expect(p99, `lateness ms, sorted: ${sorted.join(",")}`).toBeLessThan(500);
  });

  it("promotes a due delayed task of a queue nobody consumes, within 150ms of its due time", async () => {
    const worker = bed.worker({ process_order: noop }, { ...idle, queues: ["critical"] });
    await worker.start();
    const producer = createProducer(registry, {
      redis: testRedisUrl(),
      keyPrefix: bed.prefix,
      logger: quietLogger,
    });
    try {
      const dueAt = Date.now() + 300;
      await producer.enqueue("send_email", { to: "a@b.co", subject: "later" }, { delay: 300 });
      expect(await bed.redis.zcard(bed.keys.delayed)).toBe(1);
      await until(async () => (await bed.redis.xlen(bed.keys.stream)) === 1, "promoted", 2_000);
      expect(Date.now() - dueAt).toBeLessThan(150); // typically under 10ms; never before the fix
      expect(await bed.redis.zcard(bed.keys.delayed)).toBe(0);
    } finally {
      await producer.close();
    }
  });

  it("drains a 2,000-entry stale backlog with 6 workers within 2x a plain XAUTOCLAIM loop (+2s slack)", async () => {
    const entries = 2_000;
    const claimMinIdle = 200;
    const plainKeys = queueKeys(registry.queues.default!, `${bed.prefix}plain:`);
    await makeStaleBacklog(bed.redis, plainKeys.stream, entries, claimMinIdle);
    const plainMs = await drainWithPlainLoop(bed.redis, plainKeys.stream, 6, claimMinIdle);
    expect(await bed.redis.xlen(plainKeys.stream)).toBe(0);

    await makeStaleBacklog(bed.redis, bed.keys.stream, entries, claimMinIdle);
    const started = Date.now();
    const workers = Array.from({ length: 6 }, () =>
      bed.worker({ send_email: noop, resize_image: noop }, { ...idle, claimMinIdle }),
    );
    await Promise.all(workers.map((w) => w.start()));
    await until(async () => (await queueState(bed.redis, bed.keys)).stream === 0, "drained", 20_000);
    const jobgenMs = Date.now() - started;
    const processed = workers.reduce(
      (n, w) => n + (w.metrics.snapshot().processed.send_email?.success ?? 0),
      0,
    );
    expect(processed).toBe(entries);
    // 2x plus 2s of slack for start-up and a loaded shared machine: a drain throttled to one batch
    // per blocking read (the defect) takes over 30s; the 2x figure itself is measured by
    // `npm run bench:timers` (bench/README.md).
    expect(jobgenMs, `jobgen ${jobgenMs}ms, plain XAUTOCLAIM loop ${plainMs}ms`).toBeLessThan(
      2 * plainMs + 2_000,
    );
  });
});

/** Like `eventually`, polling every 2ms: for tests that time what they wait for. */
async function until(check: () => Promise<boolean>, what: string, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

// Rate limits and the global concurrency cap against a real Redis, with 3 worker processes: a
// per-tenant limit is held within 5 % over 10 s; the cap is never exceeded, a SIGKILLed holder
// included; held-back tasks use no retry.
import { fileURLToPath } from "node:url";
import type { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createProducer, type Producer } from "../../../runtime/producer/producer.js";
import { startChildWorker, type ChildWorker } from "../../support/child-worker.js";
import { POLICY_CAP, POLICY_RATE, policyRegistry } from "../../support/policy-registry.js";
import { eventually } from "../../support/provider.js";
import { connect, deleteKeys, testRedisUrl, uniquePrefix } from "../../support/redis.js";
import { quietLogger } from "../../support/provider.js";
import { workerTestBed } from "../../support/worker.js";

const SCRIPT = fileURLToPath(new URL("../../support/policy-worker-process.ts", import.meta.url));

interface LogLine {
  type: string;
  id: string;
  tenant?: string;
  attempt: number;
  event: "start" | "end";
  at: number;
  pid: number;
}

describe("rate limits and the concurrency cap, 3 worker processes", () => {
  let redis: Redis;
  let prefix: string;
  let producer: Producer;
  const children: ChildWorker[] = [];
  beforeEach(() => {
    redis = connect();
    prefix = uniquePrefix("limits");
    producer = createProducer(policyRegistry(), {
      redis: testRedisUrl(),
      keyPrefix: prefix,
      logger: quietLogger,
    });
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill("SIGKILL");
      await child.exited;
    }
    await producer.close();
    await deleteKeys(redis, prefix);
    await deleteKeys(redis, `{${prefix}`);
    redis.disconnect();
  });

  const readLog = async (): Promise<LogLine[]> =>
    (await redis.lrange(`${prefix}log`, 0, -1)).map((line) => JSON.parse(line) as LogLine);

  const startWorkers = async (env: Record<string, string> = {}): Promise<void> => {
    for (let i = 0; i < 3; i++)
      children.push(
        startChildWorker(
          {
            REDIS_URL: testRedisUrl(),
            JOBGEN_TEST_PREFIX: prefix,
            JOBGEN_TEST_CLAIM_IDLE_MS: "3000",
            ...env,
          },
          SCRIPT,
        ),
      );
    await Promise.all(children.map((child) => child.waitForLog("worker started")));
  };

  it("holds a per-tenant limit of 20/s within 5 % over 10 s, each task started once, on its first attempt", async () => {
    const perTenant = 300; // 15 s of starts at 20/s: the backlog outlasts the 10 s measured
    await producer.enqueueBulk(
      ["acme", "globex"].flatMap((tenant) =>
        Array.from({ length: perTenant }, (_, n) => ({ type: "limited", payload: { tenant, n } })),
      ),
    );
    await startWorkers();
    await eventually(
      async () => (await readLog()).filter((l) => l.event === "start").length >= 2 * 220,
      "11 s of starts",
      30_000,
    );
    const starts = (await readLog()).filter((l) => l.event === "start");
    const expected = (10_000 / POLICY_RATE.perMs) * POLICY_RATE.limit; // 200 per tenant in 10 s
    for (const tenant of ["acme", "globex"]) {
      const times = starts
        .filter((l) => l.tenant === tenant)
        .map((l) => l.at)
        .sort((a, b) => a - b);
      const first = times[0] ?? 0;
      const inTenSeconds = times.filter((t) => t < first + 10_000).length;
      expect(inTenSeconds).toBeGreaterThanOrEqual(expected * 0.95);
      expect(inTenSeconds).toBeLessThanOrEqual(expected * 1.05);
    }
    // The workers of all 3 processes took part, and waiting used no retry and ran nothing twice.
    expect(new Set(starts.map((l) => l.pid)).size).toBe(3);
    expect(starts.every((l) => l.attempt === 1)).toBe(true);
    expect(new Set(starts.map((l) => l.id)).size).toBe(starts.length);
  }, 60_000);

  it("never runs more than 3 capped tasks at once, also after a SIGKILL of a slot holder", async () => {
    const total = 45;
    await producer.enqueueBulk(Array.from({ length: total }, (_, n) => ({ type: "capped", payload: { n } })));
    await startWorkers({ JOBGEN_TEST_WORK_MS: "400" });
    const victim = children[0]!;
    await eventually(
      async () => (await readLog()).some((l) => l.event === "start" && l.pid === victim.process.pid),
      "the victim runs a capped task",
      20_000,
    );
    const killedAt = Date.now();
    victim.process.kill("SIGKILL");
    await victim.exited;
    await eventually(
      async () => new Set((await readLog()).filter((l) => l.event === "end").map((l) => l.id)).size === total,
      "every capped task done",
      40_000,
    );
    const log = await readLog();
    // Each run is [start, end]; a run of the killed process that never ended ran until the kill.
    const runs = log
      .filter((l) => l.event === "start")
      .map((start) => {
        const end = log.find(
          (l) => l.event === "end" && l.id === start.id && l.pid === start.pid && l.at >= start.at,
        );
        return { from: start.at, to: end?.at ?? killedAt };
      });
    const events = runs.flatMap((r) => [
      { at: r.from, delta: 1 },
      { at: r.to, delta: -1 },
    ]);
    events.sort((a, b) => a.at - b.at || a.delta - b.delta); // an end before a start at the same ms
    let running = 0;
    let most = 0;
    for (const event of events) {
      running += event.delta;
      most = Math.max(most, running);
    }
    expect(most).toBeLessThanOrEqual(POLICY_CAP);
    expect(most).toBe(POLICY_CAP); // the cap was reached: the sampling saw it at work
    // Tasks waited for a slot without a retry: the only reruns are the killed worker's tasks.
    const reruns = log.filter((l) => l.event === "start" && l.attempt > 1);
    expect(reruns.length).toBeLessThanOrEqual(POLICY_CAP);
  }, 90_000);
});

describe("throttled tasks in the worker's metrics", () => {
  it("counts rate-limit waits with their time, and parked tasks", async () => {
    const bed = workerTestBed(policyRegistry(), "limits-metrics");
    try {
      const worker = bed.worker(
        {
          tick: async () => {},
          limited: async () => {},
          capped: () => new Promise((resolve) => setTimeout(resolve, 200)),
        },
        { concurrency: 10 },
      );
      const producer = createProducer(policyRegistry(), {
        redis: testRedisUrl(),
        keyPrefix: bed.prefix,
        logger: quietLogger,
      });
      await producer.enqueueBulk([
        ...Array.from({ length: 4 }, (_, n) => ({ type: "limited", payload: { tenant: "acme", n } })),
        ...Array.from({ length: 5 }, (_, n) => ({ type: "capped", payload: { n } })),
      ]);
      await producer.close();
      await worker.start();
      await eventually(async () => {
        const processed = worker.metrics.snapshot().processed;
        return processed.limited?.success === 4 && processed.capped?.success === 5;
      }, "every task done");
      const { throttled } = worker.metrics.snapshot();
      // 4 starts 50 ms apart: 3 waited, for about 50, 100 and 150 ms.
      expect(throttled.limited?.rate_limit?.count).toBe(3);
      expect(throttled.limited?.rate_limit?.waitMs).toBeGreaterThan(200);
      expect(throttled.capped?.concurrency?.count).toBeGreaterThanOrEqual(2);
      expect(worker.metrics.snapshot().processed.capped).toEqual({ success: 5 });
    } finally {
      await bed.cleanup();
    }
  });
});

describe("parked tasks", () => {
  it("go back to the stream when the schema drops the cap of their type", async () => {
    const capped = policyRegistry();
    const uncapped = {
      ...capped,
      tasks: { ...capped.tasks, capped: { ...capped.tasks.capped!, concurrency: undefined } },
    };
    const bed = workerTestBed(uncapped, "limits-uncapped");
    try {
      const ran: string[] = [];
      // A task parked by a worker of the schema that still had the cap.
      await bed.redis.rpush(
        `${bed.keys.slots}capped:parked`,
        JSON.stringify({ id: "parked-1", type: "capped", payload: JSON.stringify({ n: 1 }), retry: "0" }),
      );
      const worker = bed.worker(
        {
          tick: async () => {},
          limited: async () => {},
          capped: async (_p: unknown, ctx) => void ran.push(ctx.taskId),
        },
        { leaseInterval: 200, claimMinIdle: 1_000 },
      );
      await worker.start();
      await eventually(async () => ran.length === 1, "the parked task ran");
      expect(ran).toEqual(["parked-1"]);
      expect(await bed.redis.exists(`${bed.keys.slots}capped:parked`)).toBe(0);
    } finally {
      await bed.cleanup();
    }
  });
});

describe("parked tasks on a queue with priority levels", () => {
  it("come back higher levels first", async () => {
    const base = policyRegistry();
    const registry = { ...base, queues: { default: { ...base.queues.default!, priorities: true } } };
    const bed = workerTestBed(registry, "limits-levels");
    try {
      const started: number[] = [];
      const worker = bed.worker(
        {
          tick: async () => {},
          limited: async () => {},
          capped: async (payload: { n: number }) => {
            started.push(payload.n);
            await new Promise((resolve) => setTimeout(resolve, 300));
          },
        },
        { concurrency: 10 },
      );
      const producer = createProducer(registry, {
        redis: testRedisUrl(),
        keyPrefix: bed.prefix,
        logger: quietLogger,
      });
      await worker.start();
      // 3 normal tasks take the 3 slots; then 3 low and 3 high ones are parked while they run.
      for (const n of [1, 2, 3]) await producer.enqueue("capped", { n });
      await eventually(async () => started.length === 3, "the slots taken");
      for (const n of [21, 22, 23]) await producer.enqueue("capped", { n }, { priority: "low" });
      for (const n of [11, 12, 13]) await producer.enqueue("capped", { n }, { priority: "high" });
      await producer.close();
      await eventually(async () => started.length === 9, "every task started", 15_000);
      expect(started.slice(3, 6).sort()).toEqual([11, 12, 13]);
      expect(started.slice(6).sort()).toEqual([21, 22, 23]);
      expect(worker.metrics.snapshot().throttled.capped?.concurrency?.count).toBe(6);
    } finally {
      await bed.cleanup();
    }
  });
});

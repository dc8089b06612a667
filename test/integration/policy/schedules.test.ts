// Schedules against a real Redis: several worker processes enqueue each tick once, a SIGKILLed one
// included; catch-up; removed schedules leave no state behind.
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWorkerRuntime, type Worker } from "../../../runtime/worker/worker.js";
import { levelKeys, queueKeys } from "../../../runtime/redis/keys.js";
import { createRedisProvider } from "../../../runtime/redis/provider/provider.js";
import { quietLogger } from "../../support/provider.js";
import { startChildWorker, type ChildWorker } from "../../support/child-worker.js";
import { policyRegistry } from "../../support/policy-registry.js";
import { eventually } from "../../support/provider.js";
import { connect, deleteKeys, testRedisUrl, uniquePrefix } from "../../support/redis.js";
import { TEST_WORKER_OPTIONS } from "../../support/worker.js";
import type { Redis } from "ioredis";

const SCRIPT = fileURLToPath(new URL("../../support/policy-worker-process.ts", import.meta.url));

interface LogLine {
  type: string;
  id: string;
  event: string;
  at: number;
  pid: number;
}

async function readLog(redis: Redis, prefix: string): Promise<LogLine[]> {
  return (await redis.lrange(`${prefix}log`, 0, -1)).map((line) => JSON.parse(line) as LogLine);
}

describe("schedules", () => {
  let redis: Redis;
  let prefix: string;
  const children: ChildWorker[] = [];
  const workers: Worker[] = [];
  beforeEach(() => {
    redis = connect();
    prefix = uniquePrefix("schedules");
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill("SIGKILL");
      await child.exited;
    }
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await deleteKeys(redis, prefix);
    await deleteKeys(redis, `{${prefix}`);
    redis.disconnect();
  });

  it("enqueues each tick of every: 1s exactly once with 3 worker processes, one SIGKILLed midway", async () => {
    const env = {
      REDIS_URL: testRedisUrl(),
      JOBGEN_TEST_PREFIX: prefix,
      JOBGEN_TEST_SCHEDULE: "1",
      JOBGEN_TEST_CLAIM_IDLE_MS: "3000",
    };
    for (let i = 0; i < 3; i++) children.push(startChildWorker(env, SCRIPT));
    await Promise.all(children.map((child) => child.waitForLog("schedules started")));
    const from = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    children[0]?.process.kill("SIGKILL");
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const to = Date.now();
    // Every tick enqueued before the end is started (a tick of the killed worker's own may wait
    // for its claim idle time).
    await eventually(
      async () => {
        const ticks = new Set(
          (await readLog(redis, prefix)).filter((l) => l.event === "end").map((l) => l.id),
        );
        return ticks.size >= Math.floor((to - from) / 1000) - 1;
      },
      "every tick handled",
      10_000,
    );
    const ended = (await readLog(redis, prefix)).filter((l) => l.event === "end");
    const ticks = ended.map((l) => Date.parse(l.id.slice("every_second@".length)));
    const inWindow = [...new Set(ticks)]
      .filter((t) => t > from + 1000 && t < to - 1000)
      .sort((a, b) => a - b);
    // One task per tick: no tick twice, no tick missing between the first and the last.
    expect(new Set(ended.map((l) => l.id)).size).toBe(ended.length);
    expect(inWindow.length).toBeGreaterThanOrEqual(17);
    for (let i = 1; i < inWindow.length; i++) expect((inWindow[i] ?? 0) - (inWindow[i - 1] ?? 0)).toBe(1000);
    // The surviving workers ran ticks after the kill.
    const killedPid = children[0]?.process.pid;
    expect(ended.some((l) => l.pid !== killedPid && l.at > from + 11_000)).toBe(true);
  }, 60_000);

  it("catches up the last missed tick with catchUp: last, and skips missed ticks with none", async () => {
    const keys = queueKeys(policyRegistry().queues.default!, prefix);
    const started: string[] = [];
    const startWorker = (catchUp: "last" | "none") => {
      const worker = createWorkerRuntime(
        policyRegistry({ schedule: { task: "tick", everyMs: 3_600_000, catchUp, payload: { n: 1 } } }),
        { ...TEST_WORKER_OPTIONS, redis: testRedisUrl(), keyPrefix: prefix },
        {
          tick: async (_p: unknown, ctx) => void started.push(ctx.taskId),
          limited: async () => {},
          capped: async () => {},
        },
      );
      workers.push(worker);
      return worker;
    };
    const hour = 3_600_000;
    const lastHour = Math.floor(Date.now() / hour) * hour;
    // A worker ran the schedule until two hours ago.
    await redis.hset(keys.schedules, "every_second", String(lastHour - 2 * hour));
    const none = startWorker("none");
    await none.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(started).toEqual([]);
    await none.stop();
    const last = startWorker("last");
    await last.start();
    await eventually(async () => started.length === 1, "the missed tick caught up");
    expect(started).toEqual([`every_second@${new Date(lastHour).toISOString()}`]);
    expect(await redis.hget(keys.schedules, "every_second")).toBe(String(lastHour));
  });

  it("deletes the state of a schedule the schema no longer declares", async () => {
    const keys = queueKeys(policyRegistry().queues.default!, prefix);
    await redis.hset(keys.schedules, "removed_schedule", "1000", "every_second", "2000");
    const worker = createWorkerRuntime(
      policyRegistry({ schedule: { task: "tick", everyMs: 3_600_000, catchUp: "none", payload: { n: 1 } } }),
      { ...TEST_WORKER_OPTIONS, redis: testRedisUrl(), keyPrefix: prefix },
      { tick: async () => {}, limited: async () => {}, capped: async () => {} },
    );
    workers.push(worker);
    await worker.start();
    expect(await redis.hgetall(keys.schedules)).toEqual({ every_second: "2000" });
    const without = createWorkerRuntime(
      policyRegistry(),
      { ...TEST_WORKER_OPTIONS, redis: testRedisUrl(), keyPrefix: prefix },
      { tick: async () => {}, limited: async () => {}, capped: async () => {} },
    );
    workers.push(without);
    await without.start();
    expect(await redis.exists(keys.schedules)).toBe(0);
  });
});

describe("schedules on a queue with priority levels", () => {
  it("tick at the level of their task's priority", async () => {
    const redis = connect();
    const prefix = uniquePrefix("schedules-levels");
    const base = policyRegistry();
    const registry = {
      ...base,
      queues: { default: { ...base.queues.default!, priorities: true } },
      tasks: { ...base.tasks, tick: { ...base.tasks.tick!, priority: "high" as const } },
    };
    const provider = createRedisProvider(registry, {
      queues: ["default"],
      redis: testRedisUrl(),
      keyPrefix: prefix,
      logger: quietLogger,
    });
    try {
      await provider.start();
      const fields = ["type", "tick", "payload", "{}", "id", "t1"];
      expect(await provider.policy.scheduleTick("default", "s", 1_000, fields, "high")).toBe("enqueued");
      expect(await provider.policy.scheduleTick("default", "s", 1_000, fields, "high")).toBe("done");
      const high = levelKeys(registry.queues.default, "high", prefix);
      const normal = levelKeys(registry.queues.default, "normal", prefix);
      expect(await redis.xlen(high.stream)).toBe(1);
      expect(await redis.xlen(normal.stream)).toBe(0);
      // One schedule state for the queue, whatever the level.
      expect(await redis.hgetall(normal.schedules)).toEqual({ s: "1000" });
    } finally {
      await provider.close();
      await deleteKeys(redis, prefix);
      await deleteKeys(redis, `{${prefix}`);
      redis.disconnect();
    }
  });
});

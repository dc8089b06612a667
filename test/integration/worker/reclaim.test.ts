import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startChildWorker, type ChildWorker } from "../../support/child-worker.js";
import { startsKey } from "../../../runtime/redis/keys.js";
import { eventually, fetchAtLeast, testProvider } from "../../support/provider.js";
import { testRedisUrl } from "../../support/redis.js";
import { testRegistry } from "../../support/registry.js";
import {
  addRaw,
  deadLetters,
  queueState,
  work,
  workerTestBed,
  type WorkerTestBed,
} from "../../support/worker.js";

const registry = testRegistry();
const noop = async () => {};

describe("worker: crashed workers, long tasks, poison", () => {
  let bed: WorkerTestBed;
  let child: ChildWorker | undefined;
  beforeEach(() => {
    bed = workerTestBed(registry, "worker-reclaim");
  });
  afterEach(async () => {
    child?.process.kill("SIGKILL");
    child = undefined;
    await bed.cleanup();
  });

  it("completes, on another worker, the task of a worker killed with SIGKILL mid-task", async () => {
    child = startChildWorker({
      REDIS_URL: testRedisUrl(),
      JOBGEN_TEST_PREFIX: bed.prefix,
      JOBGEN_TEST_WORK_MS: "hang",
    });
    const id = await addRaw(bed.redis, bed.keys.stream);
    const started = await child.waitForLog("task started");
    expect(started.taskId).toBe(id);
    child.process.kill("SIGKILL");
    await child.exited;

    const deliveries: number[] = [];
    const handled: string[] = [];
    const worker = bed
      .worker(
        {
          send_email: async (_payload: unknown, ctx) => {
            handled.push(ctx.taskId);
          },
          resize_image: noop,
        },
        { claimMinIdle: 300 },
      )
      .use(async (ctx, next) => {
        deliveries.push(ctx.task.deliveryCount);
        await next();
      });
    await worker.start();
    await eventually(async () => handled.length === 1, "task reclaimed and handled");
    await eventually(async () => (await queueState(bed.redis, bed.keys)).stream === 0, "task acked");
    expect(handled).toEqual([id]);
    expect(deliveries).toEqual([2]);
    expect(await queueState(bed.redis, bed.keys)).toEqual({ stream: 0, pending: 0, delayed: 0, dlq: 0 });
  });

  it("does not run a task twice when it runs longer than the claim idle time (lease extension)", async () => {
    const runs: string[] = [];
    const slow = (name: string) => async () => {
      runs.push(name);
      await work(2_500); // ~3 claim idle times; leases are extended every 300ms
    };
    const options = { claimMinIdle: 900 };
    await bed.worker({ send_email: slow("a"), resize_image: noop }, options).start();
    await bed.worker({ send_email: slow("b"), resize_image: noop }, options).start();
    await addRaw(bed.redis, bed.keys.stream);
    await eventually(async () => runs.length === 1, "task started");
    await eventually(async () => (await queueState(bed.redis, bed.keys)).stream === 0, "task acked");
    expect(runs).toHaveLength(1);
  });

  it("dead-letters as poison, without running it, an entry started and killed on maxDeliveries deliveries", async () => {
    const id = await addRaw(bed.redis, bed.keys.stream);
    // A crashed worker started it on its first delivery and on 4 redeliveries, recording each
    // redelivery's start as a worker does; the next delivery is the 6th.
    const crashed = testProvider(registry, bed.prefix, { consumer: "crashed-worker" });
    const [task] = await fetchAtLeast(crashed, 1);
    const entryId = task?.entryId ?? "";
    for (let delivery = 2; delivery <= 5; delivery++) {
      await bed.redis.xclaim(bed.keys.stream, "workers", "crashed-worker", 0, entryId);
      await crashed.recordStart({ ...task!, deliveryCount: delivery });
    }
    await crashed.close();
    let calls = 0;
    await bed
      .worker(
        {
          send_email: async () => {
            calls++;
          },
          resize_image: noop,
        },
        { claimMinIdle: 200, maxDeliveries: 5 },
      )
      .start();
    await eventually(async () => (await queueState(bed.redis, bed.keys)).dlq === 1, "task dead-lettered");
    const [record] = await deadLetters(bed.redis, bed.keys);
    expect(calls).toBe(0);
    expect(record).toMatchObject({ id, dlq_reason: "poison", dlq_entry_id: entryId });
    expect(record?.dlq_error).toMatch(/delivered 6 times \(limit 5\), started 5 times/);
    expect(await queueState(bed.redis, bed.keys)).toEqual({ stream: 0, pending: 0, delayed: 0, dlq: 1 });
  });

  it("runs, not poison, an entry delivered more than maxDeliveries times but never started (read ahead by dying workers)", async () => {
    const id = await addRaw(bed.redis, bed.keys.stream);
    await bed.redis.xgroup("CREATE", bed.keys.stream, "workers", "0", "MKSTREAM");
    const reply = (await bed.redis.xreadgroup(
      "GROUP",
      "workers",
      "dead-0",
      "COUNT",
      1,
      "STREAMS",
      bed.keys.stream,
      ">",
    )) as [string, [string, string[]][]][];
    const entryId = reply[0]?.[1][0]?.[0] ?? "";
    // Four more workers read it ahead and died before starting it: 5 deliveries, none started.
    for (let dead = 1; dead <= 4; dead++) {
      await bed.redis.xclaim(bed.keys.stream, "workers", `dead-${dead}`, 0, entryId);
    }
    const deliveries: number[] = [];
    const handled: string[] = [];
    await bed
      .worker(
        {
          send_email: async (_payload: unknown, ctx) => {
            handled.push(ctx.taskId);
          },
          resize_image: noop,
        },
        { claimMinIdle: 200, maxDeliveries: 3 },
      )
      .use(async (ctx, next) => {
        deliveries.push(ctx.task.deliveryCount);
        await next();
      })
      .start();
    await eventually(async () => (await queueState(bed.redis, bed.keys)).stream === 0, "task acked");
    expect(handled).toEqual([id]);
    expect(deliveries).toEqual([6]);
    expect(await bed.redis.get(startsKey(bed.keys.stream, entryId))).toBe("1");
    expect(await bed.redis.pttl(startsKey(bed.keys.stream, entryId))).toBeGreaterThan(0);
    expect(await queueState(bed.redis, bed.keys)).toEqual({ stream: 0, pending: 0, delayed: 0, dlq: 0 });
  });

  it("counts deliveries, as without read-ahead, when Redis refuses to record a start", async () => {
    const id = await addRaw(bed.redis, bed.keys.stream);
    await bed.redis.xgroup("CREATE", bed.keys.stream, "workers", "0", "MKSTREAM");
    await bed.redis.xreadgroup("GROUP", "workers", "dead-0", "COUNT", 1, "STREAMS", bed.keys.stream, ">");
    const [entry] = await bed.redis.xrange(bed.keys.stream, "-", "+");
    const entryId = entry?.[0] ?? "";
    for (let dead = 1; dead <= 3; dead++) {
      await bed.redis.xclaim(bed.keys.stream, "workers", `dead-${dead}`, 0, entryId);
    }
    // The counter's key holds a list: INCR fails with WRONGTYPE.
    await bed.redis.rpush(startsKey(bed.keys.stream, entryId), "not a counter");
    let calls = 0;
    await bed
      .worker(
        {
          send_email: async () => {
            calls++;
          },
          resize_image: noop,
        },
        { claimMinIdle: 200, maxDeliveries: 3 },
      )
      .start();
    await eventually(async () => (await queueState(bed.redis, bed.keys)).dlq === 1, "task dead-lettered");
    const [record] = await deadLetters(bed.redis, bed.keys);
    expect(calls).toBe(0);
    expect(record).toMatchObject({ id, dlq_reason: "poison", dlq_entry_id: entryId });
    expect(record?.dlq_error).toMatch(/^delivered 5 times \(limit 3\): /);
  });
});

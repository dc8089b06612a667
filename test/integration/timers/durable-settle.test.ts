/**
 * Settling that does not re-run handlers, on a throwaway redis-server: while Redis refuses the
 * settle write (maxmemory reached), or is down and restarting, the worker keeps the task's outcome
 * and its lease and sends the write again; no other worker runs the same attempt, and nothing is
 * dead-lettered as `poison`.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { PermanentError } from "../../../runtime/errors.js";
import { queueKeys } from "../../../runtime/redis/keys.js";
import type { TaskContext } from "../../../runtime/types.js";
import { createWorkerRuntime, type Worker, type WorkerOptions } from "../../../runtime/worker/worker.js";
import { startRedisServer } from "../../support/ensure-redis.js";
import { eventually } from "../../support/provider.js";
import { testRegistry } from "../../support/registry.js";
import { addRaw, deadLetters, queueState, TEST_WORKER_OPTIONS } from "../../support/worker.js";

const registry = testRegistry();
const keys = queueKeys(registry.queues.default!, "");
const noop = async () => {};
/** Entries idle 600ms are reclaimed by the other worker; only a kept lease stops that. */
const quick = { claimMinIdle: 600, leaseInterval: 150, maxDeliveries: 2 } as const;
const outageMs = 2_500; // over four claim idle times

describe("durable settle", () => {
  let server: ChildProcess | undefined;
  let direct: Redis | undefined;
  let dir: string | undefined;
  const workers: Worker[] = [];

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    direct?.disconnect();
    server?.kill("SIGKILL");
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  function startWorkers(
    url: string,
    send_email: (payload: unknown, ctx: TaskContext) => Promise<void>,
    extra: WorkerOptions = {},
  ) {
    const options: WorkerOptions = {
      ...TEST_WORKER_OPTIONS,
      ...quick,
      redis: url,
      errorBackoff: 100,
      ...extra,
    };
    for (let i = 0; i < 2; i++) {
      workers.push(createWorkerRuntime(registry, options, { send_email, resize_image: noop }));
    }
    return Promise.all(workers.map((w) => w.start()));
  }

  for (const outcome of ["retry", "dead-letter"] as const) {
    it(`keeps a ${outcome} refused under maxmemory, with its lease, until Redis takes it`, async () => {
      const started = await startRedisServer();
      server = started.process;
      direct = new Redis(started.url);
      const attempts: number[] = [];
      await startWorkers(started.url, async (_payload, ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt > 1) return;
        await direct!.config("SET", "maxmemory", "1"); // every write that grows memory is refused now
        if (outcome === "retry") throw new Error("flaky");
        throw new PermanentError("no such mailbox");
      });
      await addRaw(direct, keys.stream);
      await eventually(async () => attempts.length === 1, "the first attempt ran");
      await new Promise((resolve) => setTimeout(resolve, outageMs));
      expect(attempts).toEqual([1]); // nobody ran the attempt again meanwhile
      await direct.config("SET", "maxmemory", "0");
      if (outcome === "retry") {
        await eventually(async () => attempts.length === 2, "the retry ran");
        await eventually(async () => (await queueState(direct!, keys)).stream === 0, "the retry acked");
        expect(attempts).toEqual([1, 2]);
        expect(await queueState(direct, keys)).toEqual({ stream: 0, pending: 0, delayed: 0, dlq: 0 });
      } else {
        await eventually(async () => (await queueState(direct!, keys)).dlq === 1, "dead-lettered");
        expect((await deadLetters(direct, keys))[0]).toMatchObject({ dlq_reason: "permanent" });
        expect(attempts).toEqual([1]);
      }
    });
  }

  // An outage shorter than the command timeout (10s): the client's offline queue holds the write
  // too, so this checks the settle retry leaves a restart's outcome intact rather than isolating it.
  it("keeps an outcome through a Redis restart (AOF) and settles it once Redis is back", async () => {
    dir = await mkdtemp(join(tmpdir(), "jobgen-durable-settle-"));
    const aof = ["--appendonly", "yes", "--appendfsync", "always", "--save", "", "--dir", dir];
    const first = await startRedisServer(aof);
    server = first.process;
    const attempts: number[] = [];
    await startWorkers(first.url, async (_payload, ctx) => {
      attempts.push(ctx.attempt);
      if (ctx.attempt > 1) return;
      server!.kill("SIGKILL"); // the retry write meets a dead Redis
      await new Promise((resolve) => server!.once("exit", resolve));
      throw new Error("flaky");
    });
    direct = new Redis(first.url, { lazyConnect: true });
    const writer = new Redis(first.url);
    await addRaw(writer, keys.stream);
    writer.disconnect();
    await eventually(async () => attempts.length === 1, "the first attempt ran");
    await new Promise((resolve) => setTimeout(resolve, outageMs));
    server = (await startRedisServer(aof, first.port)).process;
    await eventually(async () => attempts.length === 2, "the retry ran", 15_000);
    await eventually(async () => (await queueState(direct!, keys)).stream === 0, "the retry acked");
    expect(attempts).toEqual([1, 2]);
    expect(await queueState(direct, keys)).toEqual({ stream: 0, pending: 0, delayed: 0, dlq: 0 });
  });

  it("leaves the entry pending when a shutdown times out while Redis refuses the settle", async () => {
    const started = await startRedisServer();
    server = started.process;
    direct = new Redis(started.url);
    let ran = 0;
    const worker = createWorkerRuntime(
      registry,
      { ...TEST_WORKER_OPTIONS, redis: started.url, shutdownTimeout: 300 },
      {
        send_email: async () => {
          ran++;
          await direct!.config("SET", "maxmemory", "1");
          throw new Error("flaky");
        },
        resize_image: noop,
      },
    );
    await worker.start();
    await addRaw(direct, keys.stream);
    await eventually(async () => ran === 1, "the attempt ran");
    const stopping = Date.now();
    await worker.stop();
    expect(Date.now() - stopping).toBeLessThan(3_000);
    await direct.config("SET", "maxmemory", "0");
    expect(await queueState(direct, keys)).toMatchObject({ stream: 1, pending: 1, delayed: 0, dlq: 0 });
  });
});

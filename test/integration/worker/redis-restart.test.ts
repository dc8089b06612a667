import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { queueKeys } from "../../../runtime/redis/keys.js";
import { createProducer, type Producer } from "../../../runtime/producer/producer.js";
import { createWorkerRuntime, type Worker } from "../../../runtime/worker/worker.js";
import { startRedisServer } from "../../support/ensure-redis.js";
import { eventually, quietLogger } from "../../support/provider.js";
import { testRegistry } from "../../support/registry.js";
import { queueState, TEST_WORKER_OPTIONS, work } from "../../support/worker.js";

const registry = testRegistry();

describe("worker: Redis restarts under it", () => {
  let server: ChildProcess | undefined;
  let worker: Worker | undefined;
  let producer: Producer | undefined;
  let direct: Redis | undefined;
  let dir: string | undefined;

  afterEach(async () => {
    await worker?.stop();
    await producer?.close();
    direct?.disconnect();
    server?.kill("SIGKILL");
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("resumes processing after Redis is killed and restarted (AOF) on the same port; no task is lost", async () => {
    dir = await mkdtemp(join(tmpdir(), "jobgen-worker-restart-"));
    const aof = ["--appendonly", "yes", "--appendfsync", "always", "--save", "", "--dir", dir];
    const first = await startRedisServer(aof);
    server = first.process;

    const handled: string[] = [];
    worker = createWorkerRuntime(
      registry,
      { ...TEST_WORKER_OPTIONS, redis: first.url, claimMinIdle: 500 },
      {
        send_email: async (payload: { subject: string }) => {
          if (payload.subject === "slow") await work(800);
          handled.push(payload.subject);
        },
        resize_image: async () => {},
      },
    );
    await worker.start();
    producer = createProducer(registry, { redis: first.url, logger: quietLogger });
    const enqueue = (subject: string) => producer!.enqueue("send_email", { to: "a@b.co", subject });

    await enqueue("before");
    await eventually(async () => handled.includes("before"), "a task before the restart is handled");
    await enqueue("slow");
    await eventually(async () => worker!.metrics.snapshot().inFlight === 1, "the slow task is running");

    server.kill("SIGKILL");
    await new Promise((resolve) => server!.once("exit", resolve));
    server = (await startRedisServer(aof, first.port)).process;

    await eventually(
      async () => {
        try {
          await enqueue("after");
          return true;
        } catch {
          return false; // the producer is still reconnecting
        }
      },
      "a task is enqueued after the restart",
      20_000,
    );
    direct = new Redis(first.url, { lazyConnect: true });
    const keys = queueKeys(registry.queues.default!, "");
    await eventually(
      async () => {
        const state = await queueState(direct!, keys);
        return handled.includes("after") && handled.includes("slow") && state.stream === 0;
      },
      "every task is handled and acked after the restart",
      20_000,
    );
    expect(await queueState(direct, keys)).toEqual({ stream: 0, pending: 0, delayed: 0, dlq: 0 });
    expect(handled.filter((subject) => subject === "before")).toHaveLength(1);
  });
});

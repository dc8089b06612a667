import type { ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { queueKeys } from "../../../runtime/redis/keys.js";
import type { DeliveredTask, Provider } from "../../../runtime/worker/provider.js";
import { startRedisServer } from "../../support/ensure-redis.js";
import { addTask, eventually, testProvider } from "../../support/provider.js";
import { testRegistry } from "../../support/registry.js";

const registry = testRegistry();

describe("redis provider: Redis restarts under it", () => {
  let server: ChildProcess | undefined;
  let provider: Provider | undefined;

  afterEach(async () => {
    await provider?.close();
    server?.kill("SIGKILL");
  });

  it("resumes fetching after Redis is killed and restarted on the same port, without hanging", async () => {
    const first = await startRedisServer();
    server = first.process;
    provider = testProvider(registry, "", { redis: first.url });
    await provider.start();
    const keys = queueKeys(registry.queues.default!, "");

    const fetched: DeliveredTask[] = [];
    let running = true;
    const controller = new AbortController();
    const loop = (async () => {
      while (running) {
        try {
          fetched.push(...(await provider!.fetch(10, controller.signal)));
        } catch {
          // what a worker does on a fetch error: back off and try again
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    })();

    const direct = new Redis(first.url, { maxRetriesPerRequest: 1, lazyConnect: true });
    direct.on("error", () => undefined);
    try {
      await addTask(direct, keys.stream);
      await eventually(async () => fetched.length === 1, "the first task is fetched");

      server.kill("SIGKILL");
      await new Promise((resolve) => server!.once("exit", resolve));
      await new Promise((r) => setTimeout(r, 300));
      server = (await startRedisServer(undefined, first.port)).process;

      await eventually(
        async () => {
          try {
            if ((await direct.xlen(keys.stream)) === 0) await addTask(direct, keys.stream);
          } catch {
            // still reconnecting
          }
          return fetched.length >= 2;
        },
        "a task written after the restart is fetched",
        20_000,
      );
      expect(fetched[1]?.type).toBe("send_email");
    } finally {
      running = false;
      controller.abort();
      await loop;
      direct.disconnect();
    }
  });
});

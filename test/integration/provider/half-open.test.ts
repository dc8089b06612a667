import type { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { queueKeys } from "../../../runtime/redis/keys.js";
import type { DeliveredTask, Provider } from "../../../runtime/worker/provider.js";
import { startBlackholeProxy, type BlackholeProxy } from "../../support/blackhole-proxy.js";
import { addTask, eventually, testProvider } from "../../support/provider.js";
import { connect, deleteKeys, testRedisUrl, uniquePrefix } from "../../support/redis.js";
import { testRegistry } from "../../support/registry.js";

const registry = testRegistry();

describe("redis provider: a dead network path (half-open TCP)", () => {
  let proxy: BlackholeProxy | undefined;
  let provider: Provider | undefined;
  let redis: Redis | undefined;
  const prefix = uniquePrefix("half-open");

  afterEach(async () => {
    await provider?.close();
    await proxy?.close();
    if (redis) {
      await deleteKeys(redis, prefix);
      await deleteKeys(redis, `{${prefix}`);
      redis.disconnect();
    }
  });

  it("a blocking read whose connection went silent returns, and fetching resumes once the path heals", async () => {
    redis = connect();
    proxy = await startBlackholeProxy(testRedisUrl());
    provider = testProvider(registry, prefix, { redis: proxy.url, block: 2000, commandTimeout: 1000 });
    await provider.start();
    const never = new AbortController().signal;

    const blocked = provider.fetch(10, never);
    await new Promise((r) => setTimeout(r, 300)); // the XREADGROUP is on the wire now
    proxy.blackhole();
    await expect(blocked).resolves.toEqual([]); // the hang guard replaced the silent connection

    proxy.heal();
    const keys = queueKeys(registry.queues.default!, prefix);
    const entryId = await addTask(redis, keys.stream);
    const fetched: DeliveredTask[] = [];
    await eventually(
      async () => {
        fetched.push(...(await provider!.fetch(10, never).catch(() => [])));
        return fetched.length > 0;
      },
      "the task written after the path healed is fetched",
      30_000,
    );
    expect(fetched.map((t) => t.entryId)).toEqual([entryId]);
    expect(await provider.ack(fetched[0]!)).toBe(true);
  });

  it("a fetch on a silent command connection fails after commandTimeoutMs instead of hanging", async () => {
    redis = connect();
    proxy = await startBlackholeProxy(testRedisUrl());
    provider = testProvider(registry, prefix, { redis: proxy.url, block: 100, commandTimeout: 300 });
    await provider.start();
    await new Promise((r) => setTimeout(r, 150)); // let the next fetch run its housekeeping step
    proxy.blackhole();
    await expect(provider.fetch(10, new AbortController().signal)).rejects.toThrow(/timed out/);
    proxy.heal();
  });
});

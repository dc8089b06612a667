/**
 * Acks that are asked for together share one script call; each entry is still judged on its own:
 * owned entries are acked and deleted, an entry another consumer took over is left to that one.
 */
import type { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queueKeys } from "../../../runtime/redis/keys.js";
import type { Provider } from "../../../runtime/worker/provider.js";
import { addTask, fetchAtLeast, testProvider } from "../../support/provider.js";
import { connect, deleteKeys, uniquePrefix } from "../../support/redis.js";
import { testRegistry } from "../../support/registry.js";

const registry = testRegistry();

describe("redis provider: acks asked for together", () => {
  let redis: Redis;
  let prefix: string;
  let provider: Provider;
  let keys: ReturnType<typeof queueKeys>;

  beforeEach(async () => {
    redis = connect();
    prefix = uniquePrefix("ack-batch");
    keys = queueKeys(registry.queues.default!, prefix);
    provider = testProvider(registry, prefix, { count: 50 });
    await provider.start();
  });

  afterEach(async () => {
    await provider.close();
    await deleteKeys(redis, prefix);
    await deleteKeys(redis, `{${prefix}`);
    redis.disconnect();
  });

  it("acks every owned entry of a batch and leaves the one another consumer took over", async () => {
    for (let i = 0; i < 20; i++) await addTask(redis, keys.stream);
    const tasks = await fetchAtLeast(provider, 20);
    const taken = tasks[7]!;
    await redis.xclaim(keys.stream, "workers", "new-owner", 0, taken.entryId);

    const owned = await Promise.all(tasks.map((task) => provider.ack(task)));

    expect(owned).toEqual(tasks.map((task) => task !== taken));
    expect(await redis.xlen(keys.stream)).toBe(1);
    const pending = (await redis.xpending(keys.stream, "workers", "-", "+", 100)) as [string, string][];
    expect(pending.map(([id, owner]) => [id, owner])).toEqual([[taken.entryId, "new-owner"]]);
  });

  it("a batch bigger than one script call takes is acked whole", async () => {
    const pipeline = redis.pipeline();
    for (let i = 0; i < 1200; i++) pipeline.xadd(keys.stream, "*", "type", "send_email", "payload", "{}");
    await pipeline.exec();
    const tasks = await fetchAtLeast(provider, 1200);

    const owned = await Promise.all(tasks.map((task) => provider.ack(task)));

    expect(owned.every(Boolean)).toBe(true);
    expect(await redis.xlen(keys.stream)).toBe(0);
    expect((await redis.xpending(keys.stream, "workers"))[0]).toBe(0);
  });

  it("judges every entry when this consumer holds more entries in the batch's range than one range read returns", async () => {
    const pipeline = redis.pipeline();
    for (let i = 0; i < 200; i++) pipeline.xadd(keys.stream, "*", "type", "send_email", "payload", "{}");
    await pipeline.exec();
    const tasks = await fetchAtLeast(provider, 200);
    // Every fifth entry, spread over the whole range: 40 acks, 200 entries of this consumer in range.
    const acked = tasks.filter((_, i) => i % 5 === 0);
    const taken = acked[20]!;
    await redis.xclaim(keys.stream, "workers", "new-owner", 0, taken.entryId);

    const owned = await Promise.all(acked.map((task) => provider.ack(task)));

    expect(owned).toEqual(acked.map((task) => task !== taken));
    expect(await redis.xlen(keys.stream)).toBe(200 - 39);
    const pending = (await redis.xpending(keys.stream, "workers", "-", "+", 1000)) as [string, string][];
    expect(pending).toHaveLength(200 - 39);
    expect(pending.filter(([, owner]) => owner === "new-owner").map(([id]) => id)).toEqual([taken.entryId]);
  });
});

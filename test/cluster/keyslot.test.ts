import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { queueKeys } from "../../runtime/redis/keys.js";
import { keySlot } from "../../runtime/redis/slot.js";
import { HOSTILE_STREAMS } from "../support/hostile-streams.js";
import { connect } from "../support/redis.js";

describe("every key of a queue shares its stream's slot on a real Cluster", () => {
  let redis: Redis;
  beforeAll(() => {
    redis = connect();
  });
  afterAll(async () => {
    await redis.quit();
  });

  const cases = HOSTILE_STREAMS.flatMap((stream) =>
    ["", "app:", "{t}:", "a}"].flatMap((prefix) =>
      [`${stream}:dlq`, "dead", "{x}"].map((dlq) => ({ stream, prefix, dlq })),
    ),
  );

  it.each(cases)("stream $stream, prefix $prefix, dlq $dlq", async ({ stream, prefix, dlq }) => {
    const keys = queueKeys({ name: "q", stream, group: "g", dlq }, prefix);
    const all = [keys.stream, keys.delayed, keys.dlq, keys.idempotency, `${keys.idempotency}{key}`];
    for (const key of all) {
      expect(await redis.call("CLUSTER", "KEYSLOT", key)).toBe(keySlot(keys.stream));
    }
    // A script over all of them runs (it would fail with CROSSSLOT otherwise).
    expect(await redis.eval("return #KEYS", all.length, ...all)).toBe(all.length);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PRIORITY_LEVELS } from "../../runtime/policy/priority.js";
import { levelKeys, queueKeys } from "../../runtime/redis/keys.js";
import { hashedPart, keySlot, tagForSlot } from "../../runtime/redis/slot.js";
import { HOSTILE_STREAMS } from "../support/hostile-streams.js";

describe("keySlot", () => {
  it("agrees with the slots Redis Cluster documents", () => {
    // CRC16/XMODEM check value of "123456789" is 0x31C3; the others are from the cluster spec and
    // from CLUSTER KEYSLOT on Redis 7.
    expect(keySlot("123456789")).toBe(0x31c3);
    expect(keySlot("foo")).toBe(12182);
    expect(keySlot("{user1000}.following")).toBe(keySlot("user1000"));
    expect(keySlot("acc:{orders}")).toBe(105);
    expect(keySlot("{acc:{orders}}:dlq")).toBe(472);
  });

  it("hashes the first non-empty {...}, else the whole key", () => {
    expect(hashedPart("a{b}c{d}")).toBe("b");
    expect(hashedPart("{}a{b}")).toBe("{}a{b}");
    expect(hashedPart("{{a}}")).toBe("{a");
    expect(hashedPart("a}b{")).toBe("a}b{");
  });

  it("finds a tag for every slot", () => {
    for (const slot of [0, 1, 105, 8191, 16383]) expect(keySlot(`{${tagForSlot(slot)}}x`)).toBe(slot);
    expect(() => tagForSlot(16384)).toThrow(/not a Redis Cluster slot/);
  });
});

describe("queueKeys", () => {
  it("keeps the stream name as the Go package writes it and tags every other key with it", () => {
    const keys = queueKeys({ name: "default", stream: "tasks", group: "workers", dlq: "tasks:dlq" });
    expect(keys).toEqual({
      stream: "tasks",
      delayed: "{tasks}:delayed",
      dlq: "{tasks}:dlq",
      idempotency: "{tasks}:idem:",
      schedules: "{tasks}:schedules",
      rate: "{tasks}:rate:",
      slots: "{tasks}:slots:",
    });
  });

  it("puts all keys of a queue in one hash slot, with a prefix and an unrelated dlq name", () => {
    const keys = queueKeys({ name: "c", stream: "critical", group: "g", dlq: "dead" }, "app:");
    expect(keys.stream).toBe("app:critical");
    expect(keys.dlq).toBe("{app:critical}:dead");
    expect(new Set(Object.values(keys).map(keySlot))).toEqual(new Set([keySlot("app:critical")]));
  });

  it("uses the stream's own hash tag when it has one, and keeps the stream name", () => {
    const keys = queueKeys({ name: "acc", stream: "acc:{orders}", group: "g", dlq: "acc:{orders}:dlq" });
    expect(keys).toEqual({
      stream: "acc:{orders}",
      delayed: "{orders}:acc:{orders}:delayed",
      dlq: "{orders}:acc:{orders}:dlq",
      idempotency: "{orders}:acc:{orders}:idem:",
      schedules: "{orders}:acc:{orders}:schedules",
      rate: "{orders}:acc:{orders}:rate:",
      slots: "{orders}:acc:{orders}:slots:",
    });
  });

  it("computes a tag of the stream's slot when the stream holds } but no tag", () => {
    const keys = queueKeys({ name: "q", stream: "a}b", group: "g", dlq: "dead" });
    expect(keys.stream).toBe("a}b");
    expect(keys.delayed).toBe(`{${tagForSlot(keySlot("a}b"))}}:a}b:delayed`);
    expect(keySlot(keys.delayed)).toBe(keySlot("a}b"));
  });

  it("puts every key of any stream name, prefix and dlq name in the stream's slot", () => {
    const text = fc.oneof(
      fc.string({ unit: fc.constantFrom("{", "}", "a", ":", "ü") }),
      fc.string({ unit: "grapheme" }),
    );
    fc.assert(
      fc.property(
        text.filter((s) => s.length > 0),
        text,
        text.filter((s) => s.length > 0),
        (stream, prefix, dlq) => {
          const keys = queueKeys({ name: "q", stream, group: "g", dlq }, prefix);
          expect(keys.stream).toBe(`${prefix}${stream}`);
          const slot = keySlot(keys.stream);
          for (const key of [keys.delayed, keys.dlq, keys.idempotency, `${keys.idempotency}{k}`]) {
            expect(keySlot(key)).toBe(slot);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("gives two different streams different delayed sets and idempotency keys", () => {
    const streams = fc.string({ unit: fc.constantFrom("{", "}", "a", ":"), minLength: 1 });
    fc.assert(
      fc.property(streams, streams, (a, b) => {
        fc.pre(a !== b);
        const ka = queueKeys({ name: "a", stream: a, group: "g", dlq: "d" });
        const kb = queueKeys({ name: "b", stream: b, group: "g", dlq: "d" });
        expect(ka.delayed).not.toBe(kb.delayed);
        expect(ka.idempotency).not.toBe(kb.idempotency);
      }),
      { numRuns: 2000 },
    );
  });

  it.each(HOSTILE_STREAMS)("keeps every key of stream %j in its slot", (stream) => {
    const keys = queueKeys({ name: "q", stream, group: "g", dlq: `${stream}:dlq` }, "p:");
    expect(new Set(Object.values(keys).map(keySlot)).size).toBe(1);
  });
});

describe("levelKeys", () => {
  it("keeps normal on the queue's own keys and gives other levels a stream and delayed set of their own", () => {
    const queue = { name: "default", stream: "tasks", group: "workers", dlq: "tasks:dlq" };
    expect(levelKeys(queue, "normal", "p:")).toEqual(queueKeys(queue, "p:"));
    expect(levelKeys(queue, "high", "p:")).toMatchObject({
      stream: "{p:tasks}:priority:high",
      delayed: "{p:tasks}:priority:high:delayed",
      dlq: "{p:tasks}:dlq",
    });
  });

  it.each(HOSTILE_STREAMS)("keeps every level's keys of stream %j in the queue's slot", (stream) => {
    const queue = { name: "q", stream, group: "g", dlq: `${stream}:dlq` };
    const slots = PRIORITY_LEVELS.flatMap((level) =>
      Object.values(levelKeys(queue, level, "p:")).map(keySlot),
    );
    expect(new Set(slots).size).toBe(1);
  });
});

import { describe, expect, it } from "vitest";
import { queueKeys } from "../../runtime/redis/keys.js";
import { partitionKeys } from "../../runtime/redis/partitions.js";
import { keySlot, SLOT_COUNT } from "../../runtime/redis/slot.js";
import { createPartitionChoice, fnv1a32, partitionKeyText } from "../../runtime/producer/partition-choice.js";
import { withRoom } from "../../runtime/producer/partition-room.js";
import type { QueueDefinition, TaskDefinition } from "../../runtime/types.js";
import { HOSTILE_STREAMS } from "../support/hostile-streams.js";

const queue = (stream: string, partitions?: number, maxLen?: number): QueueDefinition => ({
  name: "q",
  stream,
  group: "g",
  dlq: `${stream}:dlq`,
  ...(partitions === undefined ? {} : { partitions }),
  ...(maxLen === undefined ? {} : { maxLen }),
});

/** Distance between two slots on the slot ring. */
const ringDistance = (a: number, b: number) => Math.min(Math.abs(a - b), SLOT_COUNT - Math.abs(a - b));

describe("partition keys", () => {
  it("keeps the unpartitioned keys as partition 0 (the Go producer's stream name)", () => {
    for (const stream of HOSTILE_STREAMS) {
      expect(partitionKeys(queue(stream, 4), "app:")[0]).toEqual(queueKeys(queue(stream), "app:"));
    }
  });

  it.each(HOSTILE_STREAMS.flatMap((stream) => [1, 2, 3, 7, 16].map((n) => ({ stream, n }))))(
    "$stream × $n: every key of a partition shares its slot; partitions sit at evenly spaced slots",
    ({ stream, n }) => {
      const all = partitionKeys(queue(stream, n), "app:");
      expect(all).toHaveLength(n);
      const slots = all.map((k) => keySlot(k.stream));
      for (const keys of all) {
        const slot = keySlot(keys.stream);
        for (const key of [keys.delayed, keys.dlq, `${keys.idempotency}k`]) expect(keySlot(key)).toBe(slot);
      }
      expect(new Set(all.map((k) => k.stream)).size).toBe(n);
      expect(new Set(slots).size).toBe(n);
      for (let i = 1; i < n; i++) {
        expect(ringDistance(slots[i]!, slots[0]!)).toBe(ringDistance(Math.round((i * SLOT_COUNT) / n), 0));
      }
    },
  );

  it("names partition i's stream {tag}:<stream>:p<i> after the prefix", () => {
    const [, second] = partitionKeys(queue("tasks", 2), "app:");
    expect(second?.stream).toMatch(/^app:\{[0-9a-z]+\}:tasks:p1$/);
    expect(second?.delayed).toBe(`${second?.stream}:delayed`);
    expect(second?.dlq).toBe(`${second?.stream}:dlq`);
  });

  it("puts every partition in the prefix's slot when the prefix holds its own hash tag", () => {
    const slots = partitionKeys(queue("tasks", 3), "{app}:").map((k) => keySlot(k.stream));
    expect(new Set(slots)).toEqual(new Set([keySlot("app")]));
  });
});

describe("partition choice", () => {
  const task = (partitionKey?: string[]): TaskDefinition =>
    ({
      name: "t",
      queue: "q",
      validator: undefined as never,
      ...(partitionKey ? { partitionKey } : {}),
    }) as TaskDefinition;

  it("hashes with FNV-1a 32 (Go's fnv.New32a)", () => {
    expect(fnv1a32("")).toBe(0x811c9dc5);
    expect(fnv1a32("a")).toBe(0xe40c292c);
    expect(fnv1a32("foobar")).toBe(0xbf9cf968);
  });

  it("sends one key to one partition, whatever else differs", () => {
    const choice = createPartitionChoice();
    const q = queue("tasks", 5);
    const byKey = task(["customer", "id"]);
    const first = choice.partitionOf(byKey, q, { customer: { id: "c-42" }, n: 1 }, undefined);
    for (let n = 0; n < 20; n++) {
      expect(choice.partitionOf(byKey, q, { customer: { id: "c-42" }, n }, `k${n}`)).toBe(first);
    }
    expect(first).toBe(fnv1a32("c-42") % 5);
    expect(choice.partitionOf(byKey, q, { customer: { id: 42 } }, undefined)).toBe(fnv1a32("42") % 5);
  });

  it("goes round robin without a key, and follows the idempotency key when there is one", () => {
    const choice = createPartitionChoice();
    const q = queue("tasks", 3);
    const turns = Array.from({ length: 6 }, () => choice.partitionOf(task(), q, {}, undefined));
    expect(new Set(turns.slice(0, 3))).toEqual(new Set([0, 1, 2]));
    expect(turns.slice(3)).toEqual(turns.slice(0, 3));
    expect(choice.partitionOf(task(), q, {}, "once")).toBe(fnv1a32("once") % 3);
    expect(choice.partitionOf(task(), queue("tasks"), {}, "once")).toBe(0);
  });

  it("refuses a payload without a string or integer at the key's path", () => {
    expect(() => partitionKeyText("t", { a: {} }, ["a", "b"])).toThrow(
      /partition key must be a string or an integer, got nothing/,
    );
    expect(() => partitionKeyText("t", { a: 1.5 }, ["a"])).toThrow(/got 1.5/);
  });
});

describe("maxLen of a partitioned queue", () => {
  const q = queue("tasks", 3, 10);
  const request = (partition: number) => ({ queue: q, partition, maxLen: 10 });

  it("gives each partition its count plus the room handed to it, in request order, up to the queue's total", async () => {
    const counts = [4, 1, 2]; // 7 of 10 wait: room for 3
    const { requests, full } = await withRoom(
      [request(0), request(2), request(0), request(1), request(2)],
      () => [],
      async () => counts,
    );
    expect(requests.map((r) => [r.partition, r.maxLen])).toEqual([
      [0, 6],
      [2, 3],
      [0, 6],
    ]);
    expect(full).toEqual(request(1));
  });

  it("passes unpartitioned or unbounded queues through without counting", async () => {
    const plain = { queue: queue("tasks", undefined, 5), partition: 0, maxLen: 5 };
    const unbounded = { queue: queue("tasks", 3), partition: 1, maxLen: 0 };
    const result = await withRoom(
      [plain, unbounded],
      () => [],
      async () => {
        throw new Error("counted");
      },
    );
    expect(result).toEqual({ requests: [plain, unbounded], full: undefined });
  });
});

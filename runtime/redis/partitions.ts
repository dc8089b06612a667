/**
 * Partitioned queues. A queue with `partitions: N` is N streams, each with its own delayed set,
 * dead-letter stream and idempotency keys in its own Redis Cluster hash slot, so that N masters
 * share its load. Every key of one partition shares that partition's slot (keys.ts), so every Lua
 * script of a task still runs on one node.
 *
 * - Partition 0 is the queue's keys as they are without partitions: the stream key is the
 *   schema's `stream`, which the Go producer and consumer use.
 * - Partition i ≥ 1 has the stream key `<prefix>{<tag>}:<stream>:p<i>`, where `<tag>` is a short
 *   hash tag (slot.ts tagForSlot) of the slot `slot0 + round(i × 16384 / N)` (mod 16384), slot0
 *   being partition 0's: the N partitions sit at evenly spaced slots, so on a Cluster whose masters
 *   hold equal slot ranges (what `redis-cli --cluster create` makes) N partitions over N masters
 *   land one per master. A key prefix holding its own hash tag puts every key in that tag's slot:
 *   the partitions then share one slot (and one master), as the prefix asks.
 */
import type { QueueDefinition } from "../types.js";
import { keysAround, queueKeys, slotHead, type QueueKeys } from "./keys.js";
import { hashedPart, keySlot, SLOT_COUNT, tagForSlot } from "./slot.js";

/** How many streams the queue is spread over (1: not partitioned). */
export function partitionCount(queue: QueueDefinition): number {
  return queue.partitions ?? 1;
}

/** The keys of every partition of `queue`, by partition number (one entry when not partitioned). */
export function partitionKeys(queue: QueueDefinition, keyPrefix = ""): QueueKeys[] {
  const first = queueKeys(queue, keyPrefix);
  const count = partitionCount(queue);
  const firstSlot = keySlot(first.stream);
  const all = [first];
  for (let i = 1; i < count; i++) {
    const tag = tagForSlot((firstSlot + Math.round((i * SLOT_COUNT) / count)) % SLOT_COUNT);
    const stream = `${keyPrefix}{${tag}}:${queue.stream}:p${i}`;
    // The stream key starts with the tag (unless the prefix holds a tag of its own): any key that
    // starts with the stream key is then in its slot.
    all.push(keysAround(stream, hashedPart(stream) === tag ? stream : slotHead(stream), queue));
  }
  return all;
}

/**
 * The stream name a task id derived from an entry id names (`<stream>/<entry id>`, codec.ts):
 * the schema's stream for partition 0, `<stream>:p<i>` for the others, so ids stay unique across
 * partitions.
 */
export function partitionStreamName(queue: QueueDefinition, partition: number): string {
  return partition === 0 ? queue.stream : `${queue.stream}:p${partition}`;
}

/**
 * Every Redis key jobgen uses is built here, and nowhere else.
 *
 * The stream key is the queue's `stream` exactly (after the key prefix), so producers and
 * consumers of the Go worker package read and write the same stream. Every other key of the queue
 * starts with a hash tag chosen so that it lands in the stream key's Redis Cluster hash slot,
 * whatever the stream name holds (braces included), so every Lua script of the queue runs on one
 * slot:
 *
 * - a stream key without a hash tag of its own and without `}` (the usual case): the tag is the
 *   stream key, `{<prefix><stream>}:<suffix>`; the dead-letter stream named `tasks:dlq` in the
 *   schema becomes `{tasks}:dlq`;
 * - a stream key with a hash tag of its own (`acc:{orders}`): that tag, then the stream key,
 *   `{orders}:acc:{orders}:delayed`;
 * - a stream key that Redis hashes whole but that holds `}` (`a}b`): a short tag computed to hash to
 *   the same slot (slot.ts), then the stream key, `{<tag>}:a}b:delayed`.
 *
 * A queue with priority levels has a stream and a delayed set per level ({@link levelKeys}).
 */
import type { Priority } from "../policy/priority.js";
import type { QueueDefinition } from "../types.js";
import { hashedPart, keySlot, tagForSlot } from "./slot.js";

export interface QueueKeys {
  /** The task stream (Go-compatible name). */
  readonly stream: string;
  /**
   * Sorted set of delayed tasks (retries and delayed enqueues), scored by due time in ms; also the
   * pub/sub channel on which a new earliest due time is announced (scripts.ts).
   */
  readonly delayed: string;
  /** The dead-letter stream. */
  readonly dlq: string;
  /** Prefix of idempotency keys: `<idempotency><key>`. */
  readonly idempotency: string;
  /** Hash of the queue's schedules: schedule name → its last enqueued tick (ms). */
  readonly schedules: string;
  /** Prefix of rate-limit buckets: `<rate><type>:<bucket>` and `…:reserved` (policy/rate-limit.ts). */
  readonly rate: string;
  /** Prefix of concurrency caps: `<slots><type>:running` and `<slots><type>:parked` (policy/concurrency-cap.ts). */
  readonly slots: string;
}

export function queueKeys(queue: QueueDefinition, keyPrefix = ""): QueueKeys {
  const stream = `${keyPrefix}${queue.stream}`;
  return keysAround(stream, slotHead(stream), queue);
}

/**
 * The keys of a queue whose stream key is `stream` and whose other keys start with `head` (a key
 * of the stream's slot): `<head>:delayed`, `<head><dlq suffix>`, `<head>:idem:`.
 */
export function keysAround(stream: string, head: string, queue: QueueDefinition): QueueKeys {
  const dlqSuffix = queue.dlq.startsWith(queue.stream)
    ? queue.dlq.slice(queue.stream.length)
    : `:${queue.dlq}`;
  return {
    stream,
    delayed: `${head}:delayed`,
    dlq: `${head}${dlqSuffix}`,
    idempotency: `${head}:idem:`,
    schedules: `${head}:schedules`,
    rate: `${head}:rate:`,
    slots: `${head}:slots:`,
  };
}

/**
 * The keys of one priority level of a queue with levels (policy/priority.ts): `normal` is the
 * queue's own stream and delayed set; another level has its own, `<head>:priority:<level>` and
 * `<head>:priority:<level>:delayed`, in the same slot. The DLQ and idempotency keys are the queue's.
 */
export function levelKeys(queue: QueueDefinition, level: Priority, keyPrefix = ""): QueueKeys {
  const keys = queueKeys(queue, keyPrefix);
  if (level === "normal") return keys;
  const stream = `${slotHead(keys.stream)}:priority:${level}`;
  return { ...keys, stream, delayed: `${stream}:delayed` };
}

/** The start of every key of `stream`'s queue but the stream: a hash tag of its slot (see above). */
export function slotHead(stream: string): string {
  const hashed = hashedPart(stream);
  if (hashed === stream) {
    return stream.includes("}") ? `{${tagForSlot(keySlot(stream))}}:${stream}` : `{${stream}}`;
  }
  return `{${hashed}}:${stream}`;
}

/**
 * The counter of started redeliveries of the entry `entryId` of `stream` (worker/poison.ts):
 * `<slot head of stream>:starts:<entryId>`, in the stream's slot; it expires by itself.
 */
export function startsKey(stream: string, entryId: string): string {
  return `${slotHead(stream)}:starts:${entryId}`;
}

/**
 * The list of tasks of `type` parked for a concurrency slot (policy/concurrency-cap.ts):
 * `<slots><type>:parked`, or `…:parked:<level>` for a level of a queue with priority levels.
 */
export function parkedKey(keys: QueueKeys, type: string, level?: Priority): string {
  return `${keys.slots}${type}:parked${level === undefined ? "" : `:${level}`}`;
}

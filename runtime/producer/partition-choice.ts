/**
 * Which partition of a partitioned queue (redis/partitions.ts) a task goes to:
 *
 * - the task declares `partitionKey` (a payload field path): FNV-1a (32 bits) of the field's value
 *   as UTF-8 text (a string as it is, an integer in decimal), modulo the partition count. Tasks of
 *   one value go to one stream, in enqueue order; the Go producer computes the same with
 *   `hash/fnv`'s New32a (docs/cluster.md).
 * - else, with an idempotency key: the same hash of the key, so that enqueuing again with the key
 *   reaches the partition that remembers it.
 * - else round robin, per queue and producer, from a random start (producers started together do
 *   not all begin with partition 0).
 */
import { ValidationError } from "../errors.js";
import type { QueueDefinition, TaskDefinition } from "../types.js";
import { partitionCount } from "../redis/partitions.js";

export interface PartitionChoice {
  /** The partition `payload` of `task` goes to in `queue` (0 when the queue is not partitioned). */
  partitionOf(
    task: TaskDefinition,
    queue: QueueDefinition,
    payload: unknown,
    idempotencyKey: string | undefined,
  ): number;
}

export function createPartitionChoice(): PartitionChoice {
  const next = new Map<string, number>();
  return {
    partitionOf(task, queue, payload, idempotencyKey) {
      const count = partitionCount(queue);
      if (count <= 1) return 0;
      if (task.partitionKey !== undefined) {
        return fnv1a32(partitionKeyText(task.name, payload, task.partitionKey)) % count;
      }
      if (idempotencyKey !== undefined) return fnv1a32(idempotencyKey) % count;
      const turn = next.get(queue.name) ?? Math.floor(Math.random() * count);
      next.set(queue.name, (turn + 1) % count);
      return turn % count;
    },
  };
}

/**
 * The text of the partition key at `path` of `payload`: a string, or an integer in decimal.
 * The schema requires the field (codegen checks it), so only a payload the validator let through
 * another way lacks it: a ValidationError naming the path.
 */
export function partitionKeyText(type: string, payload: unknown, path: readonly string[]): string {
  let value = payload;
  for (const name of path) {
    value =
      value !== null && typeof value === "object" && Object.hasOwn(value, name)
        ? (value as Record<string, unknown>)[name]
        : undefined;
  }
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  throw new ValidationError(type, [
    {
      path: [...path],
      message: `the partition key must be a string or an integer, got ${value === undefined ? "nothing" : JSON.stringify(value)}`,
    },
  ]);
}

/** FNV-1a, 32 bits, of the UTF-8 bytes of `text` (Go: `fnv.New32a()`). */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

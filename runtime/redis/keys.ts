/**
 * Every Redis key jobgen uses is built here, and nowhere else.
 *
 * The stream key is the queue's `stream` exactly (after the key prefix), so producers and
 * consumers of the Go worker package read and write the same stream. Every other key of the
 * queue carries the stream key as its hash tag, `{<prefix><stream>}:<suffix>`, so all keys of one
 * queue share one Redis Cluster hash slot (a key without braces hashes whole, which is the same
 * slot as the tag). The dead-letter stream named `tasks:dlq` in the schema becomes `{tasks}:dlq`.
 */
import type { QueueDefinition } from "../types.js";

export interface QueueKeys {
  /** The task stream (Go-compatible name). */
  readonly stream: string;
  /** Sorted set of delayed tasks (retries and delayed enqueues), scored by due time in ms. */
  readonly delayed: string;
  /** The dead-letter stream. */
  readonly dlq: string;
  /** Prefix of idempotency keys: `<idempotency><key>`. */
  readonly idempotency: string;
}

export function queueKeys(queue: QueueDefinition, keyPrefix = ""): QueueKeys {
  const stream = `${keyPrefix}${queue.stream}`;
  const tag = `{${stream}}`;
  const dlqSuffix = queue.dlq.startsWith(queue.stream)
    ? queue.dlq.slice(queue.stream.length)
    : `:${queue.dlq}`;
  return {
    stream,
    delayed: `${tag}:delayed`,
    dlq: `${tag}${dlqSuffix}`,
    idempotency: `${tag}:idem:`,
  };
}

/**
 * Writes DLQ entries the way the worker does (the shared DLQ format), for tests of the admin API
 * and the CLI that must not depend on a worker run to get a DLQ with known contents.
 */
import type { Redis } from "ioredis";
import { queueKeys } from "../../runtime/redis/keys.js";
import type { QueueDefinition } from "../../runtime/types.js";

export interface DeadLetterSpec {
  readonly type: string;
  readonly payload: string;
  readonly reason: string;
  readonly error?: string;
  readonly details?: unknown;
  readonly retry?: number;
  readonly id?: string;
}

/** XADDs one DLQ record for `queue` under `keyPrefix`; returns its DLQ entry id. */
export async function addDeadLetter(
  redis: Redis,
  queue: QueueDefinition,
  keyPrefix: string,
  spec: DeadLetterSpec,
): Promise<string> {
  const keys = queueKeys(queue, keyPrefix);
  const id = spec.id ?? `task-${Math.random().toString(36).slice(2, 10)}`;
  const fields = [
    "payload",
    spec.payload,
    "type",
    spec.type,
    "created_at",
    new Date().toISOString(),
    "retry",
    String(spec.retry ?? 0),
    "max_retry",
    "3",
    "timeout",
    "30s",
    "metadata",
    "{}",
    "id",
    id,
    "correlation_id",
    `corr-${id}`,
    "enqueued_at_ms",
    String(Date.now()),
    "dlq_reason",
    spec.reason,
    "dlq_error",
    spec.error ?? `failed: ${spec.reason}`,
    "dlq_details",
    JSON.stringify(spec.details ?? null),
    "dlq_at",
    new Date().toISOString(),
    "dlq_queue",
    queue.name,
    "dlq_entry_id",
    "1-0",
    "dlq_consumer",
    "test-consumer",
  ];
  const entryId = await redis.xadd(keys.dlq, "*", ...fields);
  if (entryId === null) throw new Error("XADD returned no id");
  return entryId;
}

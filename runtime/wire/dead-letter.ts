/** Why a task ended in the dead-letter stream: a closed list, written as the record's `reason`. */
export const DEAD_LETTER_REASONS = [
  "validation",
  "unknown_type",
  "malformed",
  "too_large",
  "max_retries",
  "permanent",
  "poison",
  // The entry's payload version is one this worker does not read: newer (after it was handed back
  // for newer workers, maxVersionDeferrals times) or older than every version the schema keeps.
  "unknown_version",
  // The payload was refused, and the entry was written against another schema of its version than
  // the worker's (its `payload_schema` fingerprint differs): a producer and a worker out of step.
  "version_skew",
] as const;

export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/** Prefix of the fields a dead-letter record adds to the task's own. */
export const DEAD_LETTER_FIELD_PREFIX = "dlq_";

/** The fields a dead-letter record adds to the task's own (the shared DLQ format). */
export const DEAD_LETTER_FIELDS = {
  reason: "dlq_reason",
  error: "dlq_error",
  details: "dlq_details",
  at: "dlq_at",
  queue: "dlq_queue",
  entryId: "dlq_entry_id",
  consumer: "dlq_consumer",
  /** The priority level it was read from, for a queue with levels (policy/priority.ts). */
  priority: "dlq_priority",
} as const;

/** Why a task ended in the dead-letter stream: a closed list, written as the record's `reason`. */
export const DEAD_LETTER_REASONS = [
  "validation",
  "unknown_type",
  "malformed",
  "too_large",
  "max_retries",
  "permanent",
  "poison",
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
} as const;

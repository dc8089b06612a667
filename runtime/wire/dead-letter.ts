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

/**
 * Defaults of the schema's layout the generator fills in. The payload caps and backoff lists are
 * the runtime's (`@jobgen/runtime/contract`), so the two never disagree.
 */

/** The queue a task goes to when neither the task nor `defaults` name one. */
export const DEFAULT_QUEUE_NAME = "default";

/** Consumer group of a queue that does not name one. */
export const DEFAULT_GROUP = "workers";

/** Suffix of the dead-letter stream of a queue that does not name one (`<stream>:dlq`). */
export const DEFAULT_DLQ_SUFFIX = ":dlq";

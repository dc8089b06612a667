/** Library defaults the schema can override per task or in `defaults`. */

/** Largest accepted payload when neither the task nor `defaults` set `maxPayloadSize`: 1 MiB. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

/** Deepest accepted nesting of objects and arrays when neither the task nor `defaults` set `maxDepth`. */
export const DEFAULT_MAX_DEPTH = 32;

/** The queue a task goes to when neither the task nor `defaults` name one. */
export const DEFAULT_QUEUE_NAME = "default";

/** Consumer group of a queue that does not name one. */
export const DEFAULT_GROUP = "workers";

/** Suffix of the dead-letter stream of a queue that does not name one (`<stream>:dlq`). */
export const DEFAULT_DLQ_SUFFIX = ":dlq";

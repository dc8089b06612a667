/** The normalised schema: what every emitter reads. Names are sorted; all values are resolved. */
import type { BackoffJitter, BackoffStrategy, CatchUpPolicy, Priority } from "@jobgen/runtime/contract";
import type { JsonSchema } from "./json-schema.js";

/** A backoff policy as written in the schema; absent fields inherit from the runtime. */
export interface BackoffModel {
  readonly strategy?: BackoffStrategy;
  readonly baseMs?: number;
  readonly maxMs?: number;
  readonly jitter?: BackoffJitter;
}

export interface QueueModel {
  /** Name in the schema (`default`). */
  readonly name: string;
  /** PascalCase form (`Default`), used for `DefaultQueueHandlers`. */
  readonly pascal: string;
  readonly stream: string;
  readonly group: string;
  readonly dlq: string;
  readonly maxLen?: number;
  /** One of its tasks declares a `priority`: the queue has a stream per level. */
  readonly priorities?: boolean;
  /** Streams the queue is spread over (absent: 1). */
  readonly partitions?: number;
}

/** A shared JSON Schema definition of `types`, referenced as `$ref: "#/types/Name"`. */
export interface SharedTypeModel {
  readonly name: string;
  readonly schema: JsonSchema;
}

/** An earlier payload version a task keeps, so that workers still read (and upcast) its tasks. */
export interface PayloadVersionModel {
  readonly version: number;
  readonly payload: JsonSchema;
  /** {@link TaskModel.schemaHash} of this version's schema. */
  readonly schemaHash: string;
}

export interface TaskModel {
  /** The wire name, as written (`send_email`); the stable identifier of the task. */
  readonly wireName: string;
  /** camelCase member name (`sendEmail`). */
  readonly camel: string;
  /** PascalCase stem (`SendEmail`), used for `SendEmailPayload`, `SendEmailHandler`. */
  readonly pascal: string;
  readonly description?: string;
  readonly queue: string;
  /** Payload field path whose value picks the partition (absent: round robin). */
  readonly partitionKey?: readonly string[];
  readonly maxRetries?: number;
  readonly timeoutMs?: number;
  /** Priority level of its tasks, as declared; absent: normal (and no levels on its queue's account). */
  readonly priority?: Priority;
  readonly backoff?: BackoffModel;
  readonly maxPayloadBytes: number;
  readonly maxDepth: number;
  /** Paths of `x-sensitive: true` fields; `*` stands for any array item. */
  readonly sensitivePaths: readonly (readonly string[])[];
  readonly payload: JsonSchema;
  /** The payload version producers write (`payload_version` on the wire); 1 unless the schema says. */
  readonly version: number;
  /** Earlier payload versions still read and upcast, oldest first, contiguous up to `version - 1`. */
  readonly previous: readonly PayloadVersionModel[];
  /** Fingerprint of the payload schema (8 hex digits), written on each entry as `payload_schema`. */
  readonly schemaHash: string;
  /** At most `limit` starts per `perMs` across all workers, per bucket. */
  readonly rateLimit?: RateLimitModel;
  /** At most this many tasks of this type run at once across all workers. */
  readonly concurrency?: number;
}

/** A task's `rateLimit`; `key` is the payload field path naming the bucket. */
export interface RateLimitModel {
  readonly limit: number;
  readonly perMs: number;
  readonly key?: readonly string[];
}

/** A schedule: its task enqueued at every tick of `cron` (in `timezone`) or of `everyMs`. */
export interface ScheduleModel {
  readonly name: string;
  /** The task's wire name. */
  readonly task: string;
  readonly cron?: string;
  readonly timezone?: string;
  readonly everyMs?: number;
  readonly catchUp: CatchUpPolicy;
  /** Valid against the task's payload schema, defaults filled in. */
  readonly payload: unknown;
}

export interface SchemaModel {
  /** The schema file's name as printed in headers (its base name). */
  readonly sourceName: string;
  /** sha256 of the normalised schema, hex (schema-hash.ts): a comment edit leaves it as it is. */
  readonly schemaSha256: string;
  /** Sorted by name. */
  readonly queues: readonly QueueModel[];
  /** Sorted by name; a type comes after every type it references. */
  readonly types: readonly SharedTypeModel[];
  /** Sorted by wire name. */
  readonly tasks: readonly TaskModel[];
  /** Sorted by name. */
  readonly schedules: readonly ScheduleModel[];
}

/**
 * The public types shared by generated code, workers and producers. Generated registries are
 * plain objects of these shapes; the runtime resolves every optional field once, with this
 * precedence: enqueue option > schema task (including the schema's `defaults`) > worker config
 * > library default. An absent field means "inherit", never 0.
 */
import type { Logger } from "pino";
import type { ZodType } from "zod";
import type { BackoffJitter, BackoffStrategy } from "./backoff.js";
import type { Duration } from "./duration.js";
import type { Priority } from "./policy/priority.js";
import type { CatchUpPolicy } from "./policy/schedule-rules.js";

export type { BackoffJitter, BackoffStrategy } from "./backoff.js";

/** A backoff policy as written in the schema; absent fields inherit. */
export interface BackoffPolicy {
  readonly strategy?: BackoffStrategy | undefined;
  /** Delay before the first retry, in milliseconds. */
  readonly baseMs?: number | undefined;
  /** Upper bound of any delay, in milliseconds. */
  readonly maxMs?: number | undefined;
  readonly jitter?: BackoffJitter | undefined;
}

/** A queue of the schema: its stream, consumer group and dead-letter stream. */
export interface QueueDefinition {
  /** The queue's name in the schema (`default`, `critical`). */
  readonly name: string;
  /** Stream key (before the hash tag and key prefix are applied). */
  readonly stream: string;
  /** Consumer group name. */
  readonly group: string;
  /** Dead-letter stream key. */
  readonly dlq: string;
  /** Backpressure: enqueue fails with `QueueFullError` once this many tasks wait. Absent: no limit. */
  readonly maxLen?: number | undefined;
  /**
   * The queue has priority levels (one of its tasks declares `priority`): one stream per level,
   * read higher levels first (policy/priority.ts). @defaultValue false
   */
  readonly priorities?: boolean | undefined;
  /**
   * Streams the queue is spread over, on different Redis Cluster slots (redis/partitions.ts).
   * @defaultValue 1
   */
  readonly partitions?: number | undefined;
}

/** One task type as the generated registry describes it. */
export interface TaskDefinition<Payload = unknown> {
  /** Wire name, as written in the schema (`send_email`); the stable identifier of the task. */
  readonly name: string;
  readonly description?: string | undefined;
  /** Name of the queue (a key of {@link TaskRegistry.queues}). */
  readonly queue: string;
  /**
   * Path of the payload field whose value picks the partition of a partitioned queue: tasks of one
   * value go to one partition, in order. Absent: round robin. @defaultValue none
   */
  readonly partitionKey?: readonly string[] | undefined;
  /** Retries after the first attempt. */
  readonly maxRetries?: number | undefined;
  /** Priority level of its tasks (the queue then has levels). @defaultValue `"normal"` */
  readonly priority?: Priority | undefined;
  /** Per-attempt timeout in milliseconds. */
  readonly timeoutMs?: number | undefined;
  readonly backoff?: BackoffPolicy | undefined;
  /** Largest accepted payload, in bytes of JSON text. */
  readonly maxPayloadBytes?: number | undefined;
  /** Deepest accepted nesting of objects and arrays. */
  readonly maxDepth?: number | undefined;
  /** Paths of payload fields marked `x-sensitive: true`, redacted from logs and the DLQ view. */
  readonly sensitivePaths?: readonly (readonly string[])[] | undefined;
  /** The zod validator, equivalent to the payload's JSON Schema; it fills in defaulted properties. */
  readonly validator: ZodType<Payload>;
  /**
   * The generated compiled check (checks.ts): `true` exactly when `validator` accepts the value and
   * returns it as it is (a payload without defaults). Workers and producers run it first and call
   * `validator` only for a value it refuses, for the issue list. @defaultValue none: `validator` alone
   */
  readonly check?: ((value: unknown) => boolean) | undefined;
  /**
   * The payload has properties with a default: the producer stores what the validator returns
   * (defaults filled in) rather than the payload as given. @defaultValue false
   */
  readonly fillsDefaults?: boolean | undefined;
  /** The payload version producers write (`payload_version` on the wire). @defaultValue 1 */
  readonly version?: number | undefined;
  /** Fingerprint of the payload schema, written as `payload_schema` (tells version skew from bad data). */
  readonly schemaHash?: string | undefined;
  /** Earlier payload versions workers still read and upcast, by version number. @defaultValue none */
  readonly previousVersions?: Readonly<Record<number, PayloadVersionDefinition>> | undefined;
  /** At most `limit` starts per `perMs`, across all workers (policy/rate-limit.ts). @defaultValue none */
  readonly rateLimit?: RateLimitDefinition | undefined;
  /** At most this many tasks of this type run at once, across all workers (policy/concurrency-cap.ts). @defaultValue none */
  readonly concurrency?: number | undefined;
}

/** A task's rate limit: starts are spaced at least `perMs / limit` apart, per bucket. */
export interface RateLimitDefinition {
  readonly limit: number;
  readonly perMs: number;
  /** Payload field path whose value names the bucket (per-tenant limits); absent: one bucket. */
  readonly key?: readonly string[] | undefined;
}

/** A schedule of the schema: a task enqueued at every tick of a cron expression or an interval. */
export interface ScheduleDefinition {
  /** Wire name of the task it enqueues. */
  readonly task: string;
  /** 5 fields, or 6 with leading seconds; exclusive with `everyMs`. */
  readonly cron?: string | undefined;
  /** IANA timezone the cron expression is read in. @defaultValue "UTC" */
  readonly timezone?: string | undefined;
  /** Interval in ms; ticks are the multiples of it since the Unix epoch. */
  readonly everyMs?: number | undefined;
  /** Ticks missed while no worker ran. @defaultValue "none" */
  readonly catchUp?: CatchUpPolicy | undefined;
  /** The payload of every task it enqueues, valid against the task's schema. */
  readonly payload: unknown;
}

/** An earlier payload version of a task, kept so that its queued tasks are still read. */
export interface PayloadVersionDefinition {
  /** The zod validator of that version's schema. */
  readonly validator: ZodType;
  /** Its compiled check, as {@link TaskDefinition.check}. @defaultValue none */
  readonly check?: ((value: unknown) => boolean) | undefined;
  /** Fingerprint of that version's schema. */
  readonly schemaHash?: string | undefined;
}

/**
 * The upcasts of one task, as the runtime stores them: `fromV1` turns a version-1 payload into
 * version 2, and so on (the generated `XxxUpcasts` interfaces type each one).
 */
export type AnyUpcasts = Readonly<Record<string, (old: never) => unknown>>;

/** What a generated client hands the runtime: every queue and every task of the schema. */
export interface TaskRegistry {
  readonly queues: Readonly<Record<string, QueueDefinition>>;
  readonly tasks: Readonly<Record<string, TaskDefinition>>;
  /** The schedules, by name; workers of their tasks run them. @defaultValue none */
  readonly schedules?: Readonly<Record<string, ScheduleDefinition>> | undefined;
}

/** Options of one `enqueue` call. */
export interface EnqueueOptions {
  /** Run no earlier than this long from now (ms or text such as `"5m"`); held in the delayed set. */
  readonly delay?: Duration | undefined;
  /** Run no earlier than this instant; an alternative to `delay` (give one, not both). A past instant runs now. */
  readonly runAt?: Date | undefined;
  /** A second enqueue with the same key, while the first is known, is not written again. */
  readonly idempotencyKey?: string | undefined;
  /** String metadata carried with the task (and flattened into stream fields for the Go consumer). */
  readonly metadata?: Readonly<Record<string, string>> | undefined;
  /** Correlation id for logs and traces; a new one is made when absent. */
  readonly correlationId?: string | undefined;
  /** Overrides the schema's maxRetries for this task. */
  readonly maxRetries?: number | undefined;
  /** Overrides the schema's timeout for this task. */
  readonly timeout?: Duration | undefined;
  /**
   * Overrides the task's priority level; only for tasks of a queue with levels (one of its tasks
   * declares `priority` in the schema). @defaultValue the task's `priority`, else `"normal"`
   */
  readonly priority?: Priority | undefined;
}

/**
 * The enqueue options of a task whose queue has no priority levels (none of its tasks declares
 * `priority`): {@link EnqueueOptions} without `priority`.
 */
export type EnqueueOptionsWithoutPriority = Omit<EnqueueOptions, "priority">;

/** What an accepted enqueue returns. */
export interface EnqueuedTask {
  /** Stable task id; survives retries. */
  readonly id: string;
  readonly type: string;
  readonly queue: string;
  /** Stream entry id when written to the stream now; `null` when held in the delayed set. */
  readonly entryId: string | null;
  /** When a delayed task becomes due; `null` for immediate tasks. */
  readonly runAt: Date | null;
  /** `true` when the idempotency key matched an earlier task and nothing new was written. */
  readonly deduplicated: boolean;
}

/**
 * What a handler receives besides its payload. The worker's context reads `signal` and `logger`
 * on use (an attempt that never reads them costs no AbortController or child logger): pass the
 * context itself along; a spread copy (`{ ...ctx }`) leaves those two out.
 */
export interface TaskContext<Payload = unknown> {
  readonly taskId: string;
  /** Wire name of the task type. */
  readonly type: string;
  readonly queue: string;
  readonly payload: Payload;
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number;
  readonly maxRetries: number;
  readonly metadata: Readonly<Record<string, string>>;
  readonly correlationId: string;
  readonly enqueuedAt: Date;
  /** Aborted at the task's timeout and at a forced shutdown; pass it to fetch, database calls, ... */
  readonly signal: AbortSignal;
  /** A pino logger bound to this task (task id, type, attempt, correlation id). */
  readonly logger: Logger;
}

/** A handler as a plain async function. */
export type HandlerFunction<Payload> = (payload: Payload, ctx: TaskContext<Payload>) => Promise<void>;

/** A handler as an object (for example a class instance) with a `handle` method. */
export interface HandlerObject<Payload> {
  handle(payload: Payload, ctx: TaskContext<Payload>): Promise<void>;
}

/** Either form of handler. */
export type Handler<Payload> = HandlerFunction<Payload> | HandlerObject<Payload>;

/** A handler for any task, as the runtime stores them (keyed by wire name). */
export type AnyHandler = HandlerFunction<never> | HandlerObject<never>;

/** One item of a bulk enqueue. */
export interface BulkEnqueueItem {
  /** Wire name of the task type. */
  readonly type: string;
  readonly payload: unknown;
  readonly options?: EnqueueOptions | undefined;
}

/**
 * TLS settings for a `rediss://` URL (the `tls` option of producer, worker and provider), passed
 * to Node's `tls.connect`. PEM text or its bytes; one PEM may hold several certificates.
 */
/**
 * Where Redis is: one `redis://` or `rediss://` URL (a Cluster node's URL works too: cluster mode is
 * detected with `INFO cluster`), several URLs separated by commas (seed nodes of a Cluster), or
 * `{ cluster: [urls] }`. ACL user and password come from the first URL that carries them, and apply
 * to every node of a Cluster; so does TLS with `rediss://`.
 */
export type RedisTarget = string | { readonly cluster: readonly string[] };

export interface TlsOptions {
  /** CA certificate(s) that signed the server's certificate, for a private CA. @defaultValue Node's bundled public CAs */
  readonly ca?: string | Buffer | undefined;
  /** Client certificate, for a server that checks clients (`tls-auth-clients yes`). @defaultValue none */
  readonly cert?: string | Buffer | undefined;
  /** Private key of `cert`. @defaultValue none */
  readonly key?: string | Buffer | undefined;
  /** Name the server's certificate must carry, when it differs from the URL's host. @defaultValue the URL's host */
  readonly servername?: string | undefined;
  /** Refuse a server whose certificate does not verify; `false` only for local experiments. @defaultValue true */
  readonly rejectUnauthorized?: boolean | undefined;
}

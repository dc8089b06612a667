/**
 * The producer behind generated `createEnqueue`: validates each payload with its task's zod
 * validator before anything is written, then writes it with one script call (pipelined for bulk).
 * Precedence of maxRetries and timeout: enqueue option > schema task > library default (defaults.ts).
 */
import type { Logger } from "pino";
import { defaultLogger } from "../observe/default-logger.js";
import {
  BULK_PIPELINE_CHUNK,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_IDEMPOTENCY_TTL_MS,
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT_MS,
  defaultRedisUrl,
} from "../defaults.js";
import { toMilliseconds, type Duration } from "../duration.js";
import { positiveDuration } from "../option-checks.js";
import {
  ClosedError,
  ConfigError,
  QueueFullError,
  RedisError,
  UnknownTaskError,
  ValidationError,
  type ValidationIssue,
} from "../errors.js";
import { enqueueLevel, type Priority } from "../policy/priority.js";
import { levelKeys, type QueueKeys } from "../redis/keys.js";
import { partitionKeys } from "../redis/partitions.js";
import { createRedisEnqueuer, type EnqueueOutcome, type EnqueueRequest } from "../redis/enqueuer.js";
import type {
  BulkEnqueueItem,
  EnqueueOptions,
  EnqueuedTask,
  QueueDefinition,
  RedisTarget,
  TaskRegistry,
  TlsOptions,
} from "../types.js";
import { NotConnectedError } from "../redis/connection.js";
import { describeTarget } from "../redis/target.js";
import { loadOpenTelemetry, traceEnqueue } from "../observe/otel.js";
import { encodeTaskArgs } from "../wire/codec.js";
import { checkOutgoingPayload } from "./outgoing-payload.js";
import { createPartitionChoice } from "./partition-choice.js";
import { needsRoom, withRoom } from "./partition-room.js";
import { newTaskId } from "./task-id.js";

/** Options of a producer. */
export interface ProducerOptions {
  /**
   * `redis://` or `rediss://` URL, or a Redis Cluster (see {@link RedisTarget}).
   * @defaultValue `process.env.REDIS_URL ?? "redis://127.0.0.1:6379"`
   */
  readonly redis?: RedisTarget | undefined;
  /** TLS settings (private CA, client certificate); only with a `rediss://` URL. @defaultValue Node's TLS defaults */
  readonly tls?: TlsOptions | undefined;
  /** Prefix of every key jobgen writes. @defaultValue `""` */
  readonly keyPrefix?: string | undefined;
  /** @defaultValue pino at level `info` on stdout, buffered (default-logger.ts) */
  readonly logger?: Logger | undefined;
  /** How long an idempotency key remembers its task (ms or text such as `"24h"`). @defaultValue `"24h"` */
  readonly idempotencyTtl?: Duration | undefined;
  /**
   * How long an enqueue waits for the connection to Redis when it is not up (not yet, or lost)
   * before it fails with a `RedisError` naming the URL; nothing is written then.
   * @defaultValue 3 seconds
   */
  readonly connectTimeout?: Duration | undefined;
}

/** Writes tasks to their queues; validates each payload before anything is written. */
export interface Producer {
  /**
   * Validates and writes one task. Throws `UnknownTaskError`, `ValidationError` (every issue with
   * its path), `PayloadTooLargeError`, `ConfigError` (bad options), `QueueFullError`, `RedisError`,
   * `ClosedError`. A `RedisError` for a connection that closed before Redis answered means the task
   * may have been written; it is never sent twice behind your back, so retry with the same
   * `idempotencyKey` to be sure it exists exactly once.
   */
  enqueue(type: string, payload: unknown, options?: EnqueueOptions): Promise<EnqueuedTask>;
  /**
   * Validates every item first (all or nothing: a `ValidationError` lists the issues of every
   * item, paths starting with the item's index), then writes them in chunks of 250, in item
   * order; they share one `created_at`, the moment of the call. Resolves with the tasks in item
   * order. A full queue stops it with `QueueFullError`, whose `accepted` says item by item what
   * was enqueued. A `RedisError` may come after some chunks were written.
   */
  enqueueBulk(items: readonly BulkEnqueueItem[]): Promise<EnqueuedTask[]>;
  /** Closes the connection; later enqueues throw `ClosedError`. */
  close(): Promise<void>;
}

const NO_OPTIONS: EnqueueOptions = Object.freeze({});
const NO_METADATA: Readonly<Record<string, string>> = Object.freeze({});

/** The items with `metadata` (the batch's trace context) merged into each one's metadata. */
function withTrace(
  items: readonly BulkEnqueueItem[],
  metadata: Readonly<Record<string, string>> | undefined,
): readonly BulkEnqueueItem[] {
  if (metadata === undefined) return items;
  return items.map((item) => ({
    ...item,
    options: { ...item.options, metadata: { ...item.options?.metadata, ...metadata } },
  }));
}

/** A validated task ready to write. */
interface Prepared extends EnqueueRequest {
  readonly type: string;
  readonly queue: QueueDefinition;
  /** The queue's partition it goes to (0 when the queue is not partitioned). */
  readonly partition: number;
}

export function createProducer(registry: TaskRegistry, options: ProducerOptions = {}): Producer {
  const keyPrefix = options.keyPrefix ?? "";
  const idempotencyTtlMs =
    positiveDuration(options.idempotencyTtl, "idempotencyTtl", "createProducer option") ??
    DEFAULT_IDEMPOTENCY_TTL_MS;
  const logger = (options.logger ?? defaultLogger()).child({ component: "producer" });
  const target = options.redis ?? defaultRedisUrl();
  const where = describeTarget(target);
  const connectTimeoutMs =
    positiveDuration(options.connectTimeout, "connectTimeout", "createProducer option") ??
    DEFAULT_CONNECT_TIMEOUT_MS;
  const enqueuer = createRedisEnqueuer(target, options.tls, idempotencyTtlMs, connectTimeoutMs, logger);
  // @opentelemetry/api (when installed) is imported now, not on the first enqueue: ~20 ms once.
  void loadOpenTelemetry();
  let closed = false;
  const keysByQueue = new Map<QueueDefinition, QueueKeys[]>();
  const keysByLevel = new Map<QueueDefinition, Map<Priority, QueueKeys>>();
  const partitions = createPartitionChoice();

  /** The keys of a priority level of a queue with levels. */
  function levelKeysOf(queue: QueueDefinition, level: Priority): QueueKeys {
    let levels = keysByLevel.get(queue);
    if (levels === undefined) keysByLevel.set(queue, (levels = new Map()));
    let keys = levels.get(level);
    if (keys === undefined) levels.set(level, (keys = levelKeys(queue, level, keyPrefix)));
    return keys;
  }

  /** The keys of each partition of `queue` (one entry when it is not partitioned). */
  function keysOf(queue: QueueDefinition): QueueKeys[] {
    let keys = keysByQueue.get(queue);
    if (keys === undefined) keysByQueue.set(queue, (keys = partitionKeys(queue, keyPrefix)));
    return keys;
  }

  /** The requests with their partitioned queues' room (partition-room.ts); nothing is written. */
  function withQueueRoom(prepared: readonly Prepared[]) {
    return withRoom(prepared, keysOf, (keys) =>
      enqueuer.countWaiting(keys).catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        throw new RedisError(`enqueue${onTarget(err)} failed counting the queue's tasks: ${message}`, {
          cause: err,
        });
      }),
    );
  }

  function queueOfTask(type: string): string {
    return Object.hasOwn(registry.tasks, type) ? (registry.tasks[type]?.queue ?? "") : "";
  }

  function prepare(type: string, payload: unknown, opts: EnqueueOptions, createdAt: Date): Prepared {
    const task = Object.hasOwn(registry.tasks, type) ? registry.tasks[type] : undefined;
    if (task === undefined) throw new UnknownTaskError(type);
    const queue = Object.hasOwn(registry.queues, task.queue) ? registry.queues[task.queue] : undefined;
    if (queue === undefined) {
      throw new ConfigError(`task "${type}" names queue "${task.queue}", which the registry does not define`);
    }
    const level = enqueueLevel(opts.priority, task, queue);
    const json = checkOutgoingPayload(type, task, payload);
    const partition = partitions.partitionOf(task, queue, payload, opts.idempotencyKey);
    const taskId = newTaskId();
    const fields = encodeTaskArgs({
      id: taskId,
      type,
      payload: json,
      createdAt,
      retry: 0,
      maxRetry: maxRetriesOf(opts.maxRetries, task.maxRetries),
      timeoutMs: timeoutOf(opts.timeout, task.timeoutMs),
      metadata: metadataOf(opts.metadata),
      correlationId: opts.correlationId,
      payloadVersion: task.version,
      payloadSchema: task.schemaHash,
    });
    return {
      type,
      queue,
      partition,
      keys:
        level === undefined
          ? (keysOf(queue)[partition] ?? noPartition(queue, partition))
          : levelKeysOf(queue, level),
      maxLen: queue.maxLen ?? 0,
      taskId,
      fields,
      delayMs: delayOf(opts),
      idempotencyKey: opts.idempotencyKey,
    };
  }

  function assertOpen(): void {
    if (closed) throw new ClosedError("the producer is closed; nothing was enqueued");
  }

  async function write(prepared: readonly Prepared[]): Promise<EnqueueOutcome[]> {
    assertOpen();
    try {
      return await enqueuer.write(prepared);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new RedisError(`enqueue${onTarget(err)} failed: ${message}`, { cause: err });
    }
  }

  /** ` on <url>` for the message of a failed write, unless the error names the URL itself. */
  function onTarget(err: unknown): string {
    return err instanceof NotConnectedError ? "" : ` on ${where}`;
  }

  function toTask(p: Prepared, outcome: EnqueueOutcome): EnqueuedTask | "full" {
    const { type, taskId } = p;
    const queue = p.queue.name;
    switch (outcome.kind) {
      case "stream":
        return { type, queue, id: taskId, entryId: outcome.entryId, runAt: null, deduplicated: false };
      case "delayed":
        return {
          type,
          queue,
          id: taskId,
          entryId: null,
          runAt: new Date(outcome.runAtMs),
          deduplicated: false,
        };
      case "duplicate":
        return { type, queue, id: outcome.taskId, entryId: null, runAt: null, deduplicated: true };
      case "full":
        return "full";
      case "error":
        throw new RedisError(
          `enqueue of task "${p.type}"${onTarget(outcome.error)} failed: ${outcome.error.message}`,
          {
            cause: outcome.error,
          },
        );
    }
  }

  return {
    async enqueue(type, payload, opts = NO_OPTIONS) {
      assertOpen();
      // OpenTelemetry (when installed): a PRODUCER span, its traceparent carried in the metadata.
      return traceEnqueue({ type, queue: queueOfTask(type) }, opts.metadata, async (metadata) => {
        const withMetadata = metadata === opts.metadata ? opts : { ...opts, metadata };
        const request = prepare(type, payload, withMetadata, new Date());
        const [prepared] = needsRoom(request.queue) ? (await withQueueRoom([request])).requests : [request];
        assertOpen();
        if (prepared === undefined) throw new QueueFullError(request.queue.name, request.queue.maxLen ?? 0);
        const task = toTask(prepared, await enqueuer.writeOne(prepared));
        if (task === "full") throw new QueueFullError(prepared.queue.name, prepared.queue.maxLen ?? 0);
        logger.debug(
          { taskId: task.id, type, queue: task.queue, deduplicated: task.deduplicated },
          "task enqueued",
        );
        return task;
      });
    },

    async enqueueBulk(items) {
      assertOpen();
      // OpenTelemetry (when installed): one PRODUCER span for the batch, its traceparent on every item.
      return traceEnqueue({ type: "(bulk)", queue: "" }, undefined, async (metadata) => {
        // The tasks of one call share created_at: the moment of the call.
        const createdAt = new Date();
        const prepared = prepareAll(withTrace(items, metadata), (item) =>
          prepare(item.type, item.payload, item.options ?? NO_OPTIONS, createdAt),
        );
        const accepted: (EnqueuedTask | null)[] = prepared.map(() => null);
        const chunks: Prepared[][] = [];
        for (let start = 0; start < prepared.length; start += BULK_PIPELINE_CHUNK) {
          chunks.push(prepared.slice(start, start + BULK_PIPELINE_CHUNK));
        }
        // Without maxLen no task can be refused as full: every chunk goes out at once, and Redis
        // runs one while the next is encoded. With maxLen, one chunk at a time, so that a full
        // queue stops the rest.
        const sentAtOnce = prepared.every((p) => p.maxLen === 0) ? chunks.map(write) : [];
        for (const written of sentAtOnce) written.catch(() => undefined); // awaited in order below
        for (const [c, whole] of chunks.entries()) {
          const start = c * BULK_PIPELINE_CHUNK;
          const room = sentAtOnce[c] === undefined ? await withQueueRoom(whole) : undefined;
          const chunk = room?.requests ?? whole;
          const outcomes = await (sentAtOnce[c] ?? write(chunk));
          let full: Prepared | undefined = room?.full;
          chunk.forEach((p, i) => {
            const task = toTask(p, outcomes[i] ?? { kind: "error", error: new Error("no reply") });
            if (task === "full") full ??= p;
            else accepted[start + i] = task;
          });
          if (full) throw new QueueFullError(full.queue.name, full.queue.maxLen ?? 0, accepted);
        }
        logger.debug({ count: prepared.length }, "bulk enqueued");
        return accepted.filter((t): t is EnqueuedTask => t !== null);
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      await enqueuer.close();
    },
  };
}

function noPartition(queue: QueueDefinition, partition: number): never {
  throw new ConfigError(`queue "${queue.name}" has no partition ${partition}`);
}

/** Prepares every item; validation issues of all items are reported together, paths led by the item index. */
function prepareAll(
  items: readonly BulkEnqueueItem[],
  prepare: (item: BulkEnqueueItem) => Prepared,
): Prepared[] {
  const issues: ValidationIssue[] = [];
  const failedTypes = new Set<string>();
  const prepared: Prepared[] = [];
  items.forEach((item, index) => {
    try {
      prepared.push(prepare(item));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      failedTypes.add(item.type);
      issues.push(...err.issues.map((i) => ({ path: [index, ...i.path], message: i.message })));
    }
  });
  if (issues.length > 0) throw new ValidationError([...failedTypes].join(", "), issues);
  return prepared;
}

function maxRetriesOf(option: number | undefined, schema: number | undefined): number {
  const value = option ?? schema ?? DEFAULT_MAX_RETRIES;
  if (!Number.isInteger(value) || value < 0) {
    throw new ConfigError(`maxRetries must be a whole number ≥ 0, got ${value}`);
  }
  return value;
}

function timeoutOf(option: EnqueueOptions["timeout"], schemaMs: number | undefined): number {
  const ms = option === undefined ? (schemaMs ?? DEFAULT_TIMEOUT_MS) : configMs(option, "timeout");
  if (ms <= 0) throw new ConfigError(`timeout must be more than 0, got ${String(option ?? schemaMs)}`);
  return ms;
}

function delayOf(opts: EnqueueOptions): number {
  if (opts.delay !== undefined && opts.runAt !== undefined) {
    throw new ConfigError("give either `delay` or `runAt`, not both");
  }
  if (opts.runAt !== undefined) {
    const at = opts.runAt.getTime();
    if (Number.isNaN(at)) throw new ConfigError("`runAt` is an invalid Date");
    return Math.max(0, Math.ceil(at - Date.now()));
  }
  return opts.delay === undefined ? 0 : Math.ceil(configMs(opts.delay, "delay"));
}

function configMs(value: NonNullable<EnqueueOptions["delay"]>, what: string): number {
  try {
    return toMilliseconds(value, what);
  } catch (err) {
    throw new ConfigError(err instanceof Error ? err.message : String(err));
  }
}

function metadataOf(metadata: EnqueueOptions["metadata"]): Readonly<Record<string, string>> {
  if (metadata === undefined) return NO_METADATA;
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== "string") {
      throw new ConfigError(
        `metadata "${key}" must be a string, got ${typeof value}; convert it with String(...)`,
      );
    }
  }
  return metadata;
}

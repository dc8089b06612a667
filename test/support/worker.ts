/**
 * Helpers for worker tests: a worker on a fresh key prefix with quick test timings, raw stream
 * writes (jobgen's format and the Go package's), and where each task ended up.
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { queueKeys, type QueueKeys } from "../../runtime/redis/keys.js";
import type { AnyHandler, TaskRegistry } from "../../runtime/types.js";
import { encodeTaskFields, fieldsToArgs } from "../../runtime/wire/codec.js";
import { createWorkerRuntime, type Worker, type WorkerOptions } from "../../runtime/worker/worker.js";
import { quietLogger, streamFields } from "./provider.js";
import { connect, deleteKeys, testRedisUrl, uniquePrefix } from "./redis.js";

/** Test timings: short blocking reads, quick retries, no jitter. */
export const TEST_WORKER_OPTIONS = {
  queues: ["default"],
  logger: quietLogger,
  block: 50,
  baseBackoff: 20,
  maxBackoff: 100,
  backoffJitter: "none",
  errorBackoff: 100,
} as const satisfies WorkerOptions;

/** A Redis connection, a fresh prefix, the `default` queue's keys, and cleanup of all of it. */
export interface WorkerTestBed {
  readonly redis: Redis;
  readonly prefix: string;
  readonly keys: QueueKeys;
  /** Creates a worker on this bed's prefix (stopped by {@link cleanup}). */
  worker(handlers: Readonly<Record<string, AnyHandler>>, options?: WorkerOptions): Worker;
  cleanup(): Promise<void>;
}

export function workerTestBed(registry: TaskRegistry, label: string): WorkerTestBed {
  const redis = connect();
  const prefix = uniquePrefix(label);
  const keys = queueKeys(registry.queues.default!, prefix);
  const workers: Worker[] = [];
  return {
    redis,
    prefix,
    keys,
    worker(handlers, options = {}) {
      const worker = createWorkerRuntime(
        registry,
        { ...TEST_WORKER_OPTIONS, redis: testRedisUrl(), keyPrefix: prefix, ...options },
        handlers,
      );
      workers.push(worker);
      return worker;
    },
    async cleanup() {
      await Promise.all(workers.map((w) => w.stop()));
      await deleteKeys(redis, prefix);
      await deleteKeys(redis, `{${prefix}`);
      redis.disconnect();
    },
  };
}

export interface RawTask {
  readonly type?: string;
  /** Payload JSON text as written, valid or not. */
  readonly payload?: string;
  readonly maxRetry?: number;
  readonly timeoutMs?: number;
  readonly retry?: number;
  readonly metadata?: Record<string, string>;
}

/** XADDs an entry in jobgen's format, as a producer would; resolves with its task id. */
export async function addRaw(redis: Redis, stream: string, task: RawTask = {}): Promise<string> {
  const id = randomUUID();
  const fields = encodeTaskFields({
    id,
    type: task.type ?? "send_email",
    payload: task.payload ?? JSON.stringify({ to: "a@b.co", subject: "hi" }),
    createdAt: new Date(),
    retry: task.retry ?? 0,
    maxRetry: task.maxRetry ?? 5,
    timeoutMs: task.timeoutMs ?? 10_000,
    metadata: task.metadata ?? {},
    correlationId: `corr-${id}`,
  });
  await redis.xadd(stream, "*", ...fieldsToArgs(fields));
  return id;
}

/** Where the tasks of a queue are: counts of stream entries, pending entries, delayed tasks, DLQ records. */
export async function queueState(redis: Redis, keys: QueueKeys, group = "workers") {
  const pending = (await redis.xpending(keys.stream, group).catch(() => [0])) as [number, ...unknown[]];
  return {
    stream: await redis.xlen(keys.stream),
    pending: Number(pending[0]),
    delayed: await redis.zcard(keys.delayed),
    dlq: await redis.xlen(keys.dlq),
  };
}

/** The DLQ records of a queue, oldest first. */
export function deadLetters(redis: Redis, keys: QueueKeys): Promise<Record<string, string>[]> {
  return streamFields(redis, keys.dlq);
}

/** Resolves after `ms` (only for handlers that simulate work, never to wait for a condition). */
export function work(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    });
  });
}

// CONTRACT STUB — the runtime issue (#3) replaces the body; the signatures are what generated code uses.
import type { Logger } from "pino";
import type { BulkEnqueueItem, EnqueueOptions, EnqueuedTask, TaskRegistry } from "./types.js";

/** Options of a producer. */
export interface ProducerOptions {
  /** `redis://` or `rediss://` URL. @defaultValue `process.env.REDIS_URL ?? "redis://127.0.0.1:6379"` */
  readonly redis?: string;
  /** Prefix of every key jobgen writes. @defaultValue `""` */
  readonly keyPrefix?: string;
  /** @defaultValue a pino logger at level `info` */
  readonly logger?: Logger;
}

/** Writes tasks to their queues; validates each payload before anything is written. */
export interface Producer {
  enqueue(type: string, payload: unknown, options?: EnqueueOptions): Promise<EnqueuedTask>;
  enqueueBulk(items: readonly BulkEnqueueItem[]): Promise<EnqueuedTask[]>;
  close(): Promise<void>;
}

export function createProducer(_registry: TaskRegistry, _options: ProducerOptions = {}): Producer {
  throw new Error("createProducer: not implemented yet (issue #3)");
}

// CONTRACT STUB — the runtime issue (#3) replaces the body; the signatures are what generated code uses.
import type { Logger } from "pino";
import type { AnyHandler, TaskRegistry } from "./types.js";

/** Options of a worker. */
export interface WorkerOptions {
  /** Queues to consume (names from the schema). @defaultValue every queue of the registry */
  readonly queues?: readonly string[];
  /** `redis://` or `rediss://` URL. @defaultValue `process.env.REDIS_URL ?? "redis://127.0.0.1:6379"` */
  readonly redis?: string;
  /** Prefix of every key jobgen reads and writes. @defaultValue `""` */
  readonly keyPrefix?: string;
  /** Tasks handled at once. @defaultValue 10 */
  readonly concurrency?: number;
  /** @defaultValue a pino logger at level `info` */
  readonly logger?: Logger;
}

/** A running (or stopped) worker. */
export interface Worker {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createWorkerRuntime(
  _registry: TaskRegistry,
  _options: WorkerOptions,
  _handlers: Readonly<Record<string, AnyHandler>>,
): Worker {
  throw new Error("createWorkerRuntime: not implemented yet (issue #3)");
}

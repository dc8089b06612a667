/** What the test hands a worker process (JSON in `FAULTS_WORKER`). */
import type { RegistryConfig } from "./registry.js";

export interface WorkerSettings {
  /** Tasks handled at once. */
  readonly concurrency: number;
  /** Idle time after which another consumer reclaims a pending entry (XAUTOCLAIM). */
  readonly claimMinIdleMs: number;
  /** How long `stop()` waits for in-flight tasks before aborting them. */
  readonly shutdownTimeoutMs: number;
  /** Deliveries after which an entry is dead-lettered as poison. */
  readonly maxDeliveries: number;
  /** Longest blocking read. */
  readonly blockMs: number;
  /** pino level of the worker's log (its stdout, kept in the test's directory). */
  readonly logLevel: string;
}

export interface WorkerProcessConfig extends WorkerSettings {
  readonly redisUrl: string;
  readonly keyPrefix: string;
  readonly consumer: string;
  readonly ledgerPath: string;
  /** Directory of "first time" markers shared by all workers of a test. */
  readonly markerDir: string;
  readonly registry: RegistryConfig;
}

export const DEFAULT_WORKER_SETTINGS: WorkerSettings = {
  concurrency: 4,
  claimMinIdleMs: 2_000,
  shutdownTimeoutMs: 2_000,
  maxDeliveries: 5,
  blockMs: 500,
  logLevel: "warn",
};

/** Exit code of a worker process that cannot start at all; the fleet does not restart it. */
export const EXIT_CANNOT_START = 78;

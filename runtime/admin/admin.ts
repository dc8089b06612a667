/**
 * Queue inspection and dead-letter operations, as `jobgen stats` and `jobgen dlq` use them: one
 * file per operation (stats.ts, dead-letters.ts for list and show, replay.ts, purge.ts) over the
 * Redis side in runtime/redis/admin-store.ts, which reads the same keys as the worker.
 */
import { defaultRedisUrl } from "../defaults.js";
import type { Duration } from "../duration.js";
import { positiveDuration } from "../option-checks.js";
import { createAdminStore } from "../redis/admin-store.js";
import type { RedisTarget, TaskRegistry } from "../types.js";
import { createAdminContext } from "./context.js";
import {
  findDeadLetter,
  listDeadLetters,
  showDeadLetter,
  type DeadLetterFilter,
  type DeadLetterPage,
  type DeadLetterView,
} from "./dead-letters.js";
import { purgeDeadLetters } from "./purge.js";
import { checkReplay, type ReplayCheck } from "./replay-check.js";
import { replayDeadLetters, type ReplayProgress, type ReplayReport } from "./replay.js";
import { queueStats, type QueueStats } from "./stats.js";
import { scheduleStats, type ScheduleStats } from "./schedules.js";
import { capStats, type CapStats } from "./caps.js";

export type { ConsumerStats } from "../redis/admin-store.js";
export type { DeadLetterEntry, DeadLetterFilter, DeadLetterPage, DeadLetterView } from "./dead-letters.js";
export type { ReplayCheck } from "./replay-check.js";
export type { RefusedReplay, ReplayProgress, ReplayReport } from "./replay.js";
export type { LevelStats, QueueStats } from "./stats.js";
export type { ScheduleStats } from "./schedules.js";
export type { CapStats } from "./caps.js";

/** Options of {@link createAdmin}. */
export interface AdminOptions {
  /**
   * `redis://` or `rediss://` URL, or a Redis Cluster (see {@link RedisTarget}).
   * @defaultValue `process.env.REDIS_URL ?? "redis://127.0.0.1:6379"`
   */
  readonly redis?: RedisTarget | undefined;
  /** Prefix of every key jobgen reads and writes. @defaultValue `""` */
  readonly keyPrefix?: string | undefined;
  /** How long to wait for Redis to answer the first time (ms or text such as `"3s"`). @defaultValue `"3s"` */
  readonly connectTimeout?: Duration | undefined;
}

/** Connect timeout of the admin connection: 3s, so a CLI with a wrong URL fails fast. */
export const DEFAULT_ADMIN_CONNECT_TIMEOUT_MS = 3_000;

/** Queue inspection and DLQ operations over one Redis connection. */
export interface Admin {
  /** Per queue of the registry: length, pending, delayed, DLQ size, consumers, lag. */
  stats(): Promise<QueueStats[]>;
  /** Every schedule of the registry, by name: its timing, last enqueued tick and next run. */
  schedules(): Promise<ScheduleStats[]>;
  /** Every task type with a `concurrency` cap: slots held and tasks parked waiting for one. */
  concurrencyCaps(): Promise<CapStats[]>;
  /** DLQ entries matching `filter`, oldest first, `count` at a time from `cursor`. */
  listDeadLetters(
    filter?: DeadLetterFilter,
    page?: { readonly count?: number; readonly cursor?: string | null },
  ): Promise<DeadLetterPage>;
  /** One entry by `<queue>/<id>` (or a bare id, searched in every DLQ), payload redacted. */
  showDeadLetter(ref: string): Promise<DeadLetterView | undefined>;
  /**
   * Whether `replayDeadLetters` would take the entry back now (its payload, unredacted, against the
   * schema of its payload version); `undefined` when there is no such entry.
   */
  checkDeadLetter(ref: string): Promise<ReplayCheck | undefined>;
  /**
   * Moves matching entries back to their task's stream with the retry count reset, each in one
   * atomic step, after re-validating the payload against the registry; entries still invalid (or of
   * a type the registry no longer has) stay in the DLQ and are listed in `refusals`.
   */
  replayDeadLetters(
    filter?: DeadLetterFilter & { readonly ref?: string },
    onProgress?: (progress: ReplayProgress) => void,
  ): Promise<ReplayReport>;
  /** Deletes matching entries; returns how many. */
  purgeDeadLetters(filter?: DeadLetterFilter): Promise<number>;
  /** Checks that Redis answers; throws {@link RedisError} naming the URL otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createAdmin(registry: TaskRegistry, options: AdminOptions = {}): Admin {
  const store = createAdminStore(
    options.redis ?? defaultRedisUrl(),
    positiveDuration(options.connectTimeout, "connectTimeout", "createAdmin option") ??
      DEFAULT_ADMIN_CONNECT_TIMEOUT_MS,
  );
  const ctx = createAdminContext(registry, options.keyPrefix ?? "", store);
  return {
    ping: () => store.ping(),
    stats: () => queueStats(ctx),
    schedules: () => scheduleStats(registry, ctx),
    concurrencyCaps: () => capStats(registry, ctx),
    listDeadLetters: (filter = {}, page = {}) => listDeadLetters(ctx, filter, page),
    showDeadLetter: (ref) => showDeadLetter(ctx, ref),
    async checkDeadLetter(ref) {
      const entry = await findDeadLetter(ctx, ref);
      return entry === undefined ? undefined : checkReplay(ctx, entry);
    },
    replayDeadLetters: (filter = {}, onProgress) => replayDeadLetters(ctx, filter, onProgress),
    purgeDeadLetters: (filter = {}) => purgeDeadLetters(ctx, filter),
    close: () => store.close(),
  };
}

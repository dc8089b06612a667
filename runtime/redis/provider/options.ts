/**
 * The options of the Redis Streams provider (the Go package's RedisProviderConfig knobs), declared
 * once here and resolved once by {@link resolveProviderOptions} into a fully required object. The
 * worker resolves its provider knobs with the same function.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Logger } from "pino";
import {
  COMMAND_TIMEOUT_MS,
  DEFAULT_BLOCK_MS,
  DEFAULT_CLAIM_COUNT,
  DEFAULT_ENABLE_AUTO_CLAIM,
  DEFAULT_READ_COUNT,
  DEFAULT_TIMEOUT_MS,
  defaultClaimMinIdleMs,
  defaultRedisUrl,
} from "../../defaults.js";
import type { Duration } from "../../duration.js";
import { defaultLogger } from "../../observe/default-logger.js";
import { positiveDuration, positiveInteger, queueNames } from "../../option-checks.js";
import { checkFairness, DEFAULT_FAIRNESS, type Fairness } from "../../policy/priority.js";
import type { RedisTarget, TaskRegistry, TlsOptions } from "../../types.js";

/** Options of `createRedisProvider`. Durations are milliseconds or text such as `"30s"`. */
export interface RedisProviderOptions {
  /** Queues to consume (names from the schema). Their streams and groups come from the registry. */
  readonly queues: readonly string[];
  /**
   * `redis://` or `rediss://` URL, or a Redis Cluster (see {@link RedisTarget}).
   * @defaultValue `process.env.REDIS_URL ?? "redis://127.0.0.1:6379"`
   */
  readonly redis?: RedisTarget | undefined;
  /** TLS settings (private CA, client certificate); only with a `rediss://` URL. @defaultValue Node's TLS defaults */
  readonly tls?: TlsOptions | undefined;
  /** Prefix of every key. @defaultValue `""` */
  readonly keyPrefix?: string | undefined;
  /** Consumer name in the groups (Go: Consumer). @defaultValue `${hostname}-${pid}-${6 random hex}` */
  readonly consumer?: string | undefined;
  /**
   * Most entries one XREADGROUP returns (Go: Count); a fetch asks for `min(max, count)`, so reads
   * are sized to the worker's free slots. @defaultValue 10
   */
  readonly count?: number | undefined;
  /** How long one XREADGROUP blocks for new entries (Go: Block). @defaultValue `"1s"` */
  readonly block?: Duration | undefined;
  /**
   * Idle time after which an entry pending on another consumer is reclaimed (Go: ClaimMinIdle).
   * @defaultValue `max(30s, 2 × the longest task timeout of the queues + 5s)`
   */
  readonly claimMinIdle?: Duration | undefined;
  /** Most stale entries one fetch reclaims (Go: ClaimCount); also capped by the fetch's `max`. @defaultValue 10 */
  readonly claimCount?: number | undefined;
  /** Reclaim stale entries of dead consumers (Go: EnableAutoClaim). @defaultValue true */
  readonly enableAutoClaim?: boolean | undefined;
  /** A command without a reply after this long fails and its connection is replaced. @defaultValue `"10s"` */
  readonly commandTimeout?: Duration | undefined;
  /**
   * How reads are shared among the priority levels of a queue with levels: `"strict"`, or weights
   * per round (policy/priority.ts). @defaultValue `{ high: 8, normal: 4, low: 1 }`
   */
  readonly fairness?: Fairness | undefined;
  /** @defaultValue pino at level `info` on stdout, buffered (default-logger.ts) */
  readonly logger?: Logger | undefined;
}

/** Every provider option resolved; durations in whole ms. */
export interface ResolvedProviderOptions {
  /** Distinct queue names, in the order given. */
  readonly queues: readonly string[];
  readonly redis: RedisTarget;
  readonly tls: TlsOptions | undefined;
  readonly keyPrefix: string;
  readonly consumer: string;
  readonly count: number;
  readonly blockMs: number;
  readonly claimMinIdleMs: number;
  readonly claimCount: number;
  readonly enableAutoClaim: boolean;
  readonly commandTimeoutMs: number;
  readonly fairness: Fairness;
  readonly logger: Logger;
}

/** Resolves and checks every option; throws `ConfigError` naming the option (`where`: its owner) and the fix. */
export function resolveProviderOptions(
  registry: TaskRegistry,
  options: RedisProviderOptions,
  where = "createRedisProvider option",
): ResolvedProviderOptions {
  const queues = [...new Set(queueNames(options.queues, registry.queues, where))];
  return {
    queues,
    redis: options.redis ?? defaultRedisUrl(),
    tls: options.tls,
    keyPrefix: options.keyPrefix ?? "",
    consumer: options.consumer ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`,
    count: positiveInteger(options.count, "count", where) ?? DEFAULT_READ_COUNT,
    blockMs: positiveDuration(options.block, "block", where) ?? DEFAULT_BLOCK_MS,
    claimMinIdleMs:
      positiveDuration(options.claimMinIdle, "claimMinIdle", where) ??
      defaultClaimMinIdleMs(longestTimeoutMs(registry, queues)),
    claimCount: positiveInteger(options.claimCount, "claimCount", where) ?? DEFAULT_CLAIM_COUNT,
    enableAutoClaim: options.enableAutoClaim ?? DEFAULT_ENABLE_AUTO_CLAIM,
    commandTimeoutMs: positiveDuration(options.commandTimeout, "commandTimeout", where) ?? COMMAND_TIMEOUT_MS,
    fairness: checkFairness(options.fairness, where) ?? DEFAULT_FAIRNESS,
    logger: options.logger ?? defaultLogger(),
  };
}

/** The longest timeout of the tasks of these queues (library default for tasks without one). */
function longestTimeoutMs(registry: TaskRegistry, queues: readonly string[]): number {
  const timeouts = Object.values(registry.tasks)
    .filter((t) => queues.includes(t.queue))
    .map((t) => t.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  return Math.max(DEFAULT_TIMEOUT_MS, ...timeouts);
}

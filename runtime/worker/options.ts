/**
 * The options of a worker: the Go package's Worker Config and Redis Provider Config knobs (same
 * meaning), and jobgen's additions. Declared once here, resolved once by
 * {@link resolveWorkerOptions} into a fully required object.
 *
 * Precedence of per-task settings (retries, timeout, backoff, payload caps): enqueue option (the
 * entry's fields) > schema task (with the schema's `defaults`) > these worker options > library
 * defaults (runtime/defaults.ts). An absent option means "inherit", never 0.
 */
import type { Logger } from "pino";
import { BACKOFF_JITTERS, BACKOFF_STRATEGIES } from "../backoff.js";
import { defaultLogger } from "../observe/default-logger.js";
import {
  DEFAULT_BACKOFF_JITTER,
  DEFAULT_BACKOFF_STRATEGY,
  DEFAULT_BASE_BACKOFF_MS,
  DEFAULT_CONCURRENCY,
  DEFAULT_ERROR_BACKOFF_MS,
  DEFAULT_MAX_BACKOFF_MS,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_DELIVERIES,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  defaultRedisUrl,
} from "../defaults.js";
import { toMilliseconds, type Duration } from "../duration.js";
import { ConfigError } from "../errors.js";
import type { Middleware } from "./middleware/compose.js";
import { openTelemetryTraceHook } from "../observe/otel.js";
import type { BackoffJitter, BackoffStrategy, RedisTarget, TaskRegistry, TlsOptions } from "../types.js";

/** Options of a worker. Durations are milliseconds or text such as `"30s"`. */
export interface WorkerOptions {
  /** Queues to consume (names from the schema). @defaultValue every queue of the registry */
  readonly queues?: readonly string[] | undefined;
  /**
   * `redis://` or `rediss://` URL, or a Redis Cluster (see {@link RedisTarget}).
   * @defaultValue `process.env.REDIS_URL ?? "redis://127.0.0.1:6379"`
   */
  readonly redis?: RedisTarget | undefined;
  /** TLS settings (private CA, client certificate); only with a `rediss://` URL. @defaultValue Node's TLS defaults */
  readonly tls?: TlsOptions | undefined;
  /** Prefix of every key jobgen reads and writes. @defaultValue `""` */
  readonly keyPrefix?: string | undefined;
  /** Structured logs of the worker, its provider and every task. @defaultValue pino at level `info` on stdout, buffered (default-logger.ts) */
  readonly logger?: Logger | undefined;
  /**
   * Handlers run at once (Go: Concurrency). A task whose handler has finished frees its slot while
   * its ack (or retry, DLQ) is on its way to Redis, so the worker holds at most twice this many
   * entries. @defaultValue 10
   */
  readonly concurrency?: number | undefined;
  /** Backoff strategy of tasks whose schema sets none (Go: BackoffStrategy). @defaultValue `"exponential"` */
  readonly backoffStrategy?: BackoffStrategy | undefined;
  /** Delay before the first retry, for tasks whose schema sets none (Go: BaseBackoff). @defaultValue `"1s"` */
  readonly baseBackoff?: Duration | undefined;
  /** Upper bound of a retry delay, for tasks whose schema sets none (Go: MaxBackoff). @defaultValue `"5m"` */
  readonly maxBackoff?: Duration | undefined;
  /** Jitter of retry delays, for tasks whose schema sets none. @defaultValue `"full"` */
  readonly backoffJitter?: BackoffJitter | undefined;
  /** How long `stop()` waits for in-flight tasks before aborting them (Go: ShutdownTimeout). @defaultValue `"30s"` */
  readonly shutdownTimeout?: Duration | undefined;
  /** Wait after a fetch that returned nothing when the provider does not block (Go: PollInterval). @defaultValue `"1s"` */
  readonly pollInterval?: Duration | undefined;
  /** Wait after a failed fetch, e.g. Redis unreachable (Go: ErrorBackoff). @defaultValue `"5s"` */
  readonly errorBackoff?: Duration | undefined;
  /** Consumer name in the consumer groups (Go: Consumer). @defaultValue `<hostname>-<pid>-<random>` */
  readonly consumer?: string | undefined;
  /**
   * Most entries one read returns (Go: Count, whose default is 10); reads are also capped by free
   * slots, so by default one read can fill every free slot. @defaultValue the worker's `concurrency`
   */
  readonly count?: number | undefined;
  /** How long one read blocks waiting for new entries (Go: Block). @defaultValue `"1s"` */
  readonly block?: Duration | undefined;
  /**
   * Idle time after which an entry pending on another (dead) consumer is reclaimed (Go: ClaimMinIdle).
   * @defaultValue `max(30s, 2 × the longest task timeout of the queues + 5s)`
   */
  readonly claimMinIdle?: Duration | undefined;
  /** Most stale entries reclaimed per fetch (Go: ClaimCount). @defaultValue 10 */
  readonly claimCount?: number | undefined;
  /** Reclaim entries of dead consumers (Go: EnableAutoClaim). @defaultValue true */
  readonly enableAutoClaim?: boolean | undefined;
  /**
   * Poison limit: an entry delivered more times than this (its workers keep dying on it) goes to
   * the DLQ with reason `poison` instead of running again. @defaultValue 5
   */
  readonly maxDeliveries?: number | undefined;
  /**
   * How often the worker extends the lease of its in-flight entries so no other worker reclaims
   * them; must be shorter than the claim idle time. @defaultValue a third of the claim idle time
   */
  readonly leaseInterval?: Duration | undefined;
  /** Payload size cap (bytes of UTF-8 JSON) for tasks whose schema sets none. @defaultValue 1048576 (1 MiB) */
  readonly maxPayloadBytes?: number | undefined;
  /** Payload nesting cap (objects and arrays) for tasks whose schema sets none. @defaultValue 32 */
  readonly maxPayloadDepth?: number | undefined;
  /**
   * Runs around each attempt inside the tracing scope, with `ctx.traceparent` from the producer:
   * the place for an OpenTelemetry adapter to start a span. @defaultValue
   * {@link openTelemetryTraceHook}: a CONSUMER span per attempt when `@opentelemetry/api` is installed
   */
  readonly traceHook?: Middleware | undefined;
}

/** Every worker option resolved; durations in ms. Provider knobs stay optional: the provider resolves them. */
export interface ResolvedWorkerOptions {
  readonly queues: readonly string[];
  readonly redis: RedisTarget;
  readonly tls: TlsOptions | undefined;
  readonly keyPrefix: string;
  readonly logger: Logger;
  readonly concurrency: number;
  readonly backoffStrategy: BackoffStrategy;
  readonly baseBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly backoffJitter: BackoffJitter;
  readonly shutdownTimeoutMs: number;
  readonly pollIntervalMs: number;
  readonly errorBackoffMs: number;
  readonly maxDeliveries: number;
  readonly maxPayloadBytes: number;
  readonly maxPayloadDepth: number;
  /** `undefined`: a third of the provider's claim idle time. */
  readonly leaseIntervalMs: number | undefined;
  readonly traceHook: Middleware | undefined;
  readonly provider: {
    readonly consumer: string | undefined;
    readonly count: number | undefined;
    readonly blockMs: number | undefined;
    readonly claimMinIdleMs: number | undefined;
    readonly claimCount: number | undefined;
    readonly enableAutoClaim: boolean | undefined;
  };
}

/** Resolves and checks every option; throws {@link ConfigError} naming the option and the fix. */
export function resolveWorkerOptions(registry: TaskRegistry, options: WorkerOptions): ResolvedWorkerOptions {
  const queues = options.queues ?? Object.keys(registry.queues);
  if (queues.length === 0) throw new ConfigError("worker option `queues` is empty; name at least one queue");
  for (const queue of queues) {
    if (!Object.hasOwn(registry.queues, queue)) {
      throw new ConfigError(
        `worker option \`queues\` names "${queue}", which is not a queue of the schema ` +
          `(queues: ${Object.keys(registry.queues).join(", ")})`,
      );
    }
  }
  const concurrency = positiveInteger(options.concurrency, "concurrency") ?? DEFAULT_CONCURRENCY;
  return {
    queues,
    redis: options.redis ?? defaultRedisUrl(),
    tls: options.tls,
    keyPrefix: options.keyPrefix ?? "",
    logger: options.logger ?? defaultLogger(),
    concurrency,
    backoffStrategy:
      oneOf(options.backoffStrategy, BACKOFF_STRATEGIES, "backoffStrategy") ?? DEFAULT_BACKOFF_STRATEGY,
    baseBackoffMs: duration(options.baseBackoff, "baseBackoff") ?? DEFAULT_BASE_BACKOFF_MS,
    maxBackoffMs: duration(options.maxBackoff, "maxBackoff") ?? DEFAULT_MAX_BACKOFF_MS,
    backoffJitter: oneOf(options.backoffJitter, BACKOFF_JITTERS, "backoffJitter") ?? DEFAULT_BACKOFF_JITTER,
    shutdownTimeoutMs: duration(options.shutdownTimeout, "shutdownTimeout") ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
    pollIntervalMs: duration(options.pollInterval, "pollInterval") ?? DEFAULT_POLL_INTERVAL_MS,
    errorBackoffMs: duration(options.errorBackoff, "errorBackoff") ?? DEFAULT_ERROR_BACKOFF_MS,
    maxDeliveries: positiveInteger(options.maxDeliveries, "maxDeliveries") ?? DEFAULT_MAX_DELIVERIES,
    maxPayloadBytes: positiveInteger(options.maxPayloadBytes, "maxPayloadBytes") ?? DEFAULT_MAX_PAYLOAD_BYTES,
    maxPayloadDepth: positiveInteger(options.maxPayloadDepth, "maxPayloadDepth") ?? DEFAULT_MAX_DEPTH,
    leaseIntervalMs: positiveDuration(options.leaseInterval, "leaseInterval"),
    traceHook: options.traceHook ?? openTelemetryTraceHook(),
    provider: {
      consumer: options.consumer,
      count: positiveInteger(options.count, "count") ?? concurrency,
      blockMs: positiveDuration(options.block, "block"),
      claimMinIdleMs: positiveDuration(options.claimMinIdle, "claimMinIdle"),
      claimCount: positiveInteger(options.claimCount, "claimCount"),
      enableAutoClaim: options.enableAutoClaim,
    },
  };
}

function positiveInteger(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value <= 0) {
    throw new ConfigError(`worker option \`${name}\` must be a positive integer, got ${value}`);
  }
  return value;
}

function duration(value: Duration | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  try {
    return toMilliseconds(value, `worker option \`${name}\``);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

/** A duration that must be above zero; whole milliseconds (Redis takes integers). */
function positiveDuration(value: Duration | undefined, name: string): number | undefined {
  const ms = duration(value, name);
  if (ms === undefined) return undefined;
  if (ms < 1) throw new ConfigError(`worker option \`${name}\` must be at least 1ms, got ${String(value)}`);
  return Math.round(ms);
}

function oneOf<T extends string>(value: T | undefined, allowed: readonly T[], name: string): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value)) {
    throw new ConfigError(
      `worker option \`${name}\` must be one of ${allowed.join(", ")}; got "${String(value)}"`,
    );
  }
  return value;
}

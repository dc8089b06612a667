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
  LEASE_EXTENSIONS_PER_CLAIM_IDLE,
  DEFAULT_BACKOFF_JITTER,
  DEFAULT_BACKOFF_STRATEGY,
  DEFAULT_BASE_BACKOFF_MS,
  DEFAULT_CONCURRENCY,
  DEFAULT_ERROR_BACKOFF_MS,
  DEFAULT_LOG_SUCCESS,
  DEFAULT_MAX_BACKOFF_MS,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_DELIVERIES,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  DEFAULT_MAX_VERSION_DEFERRALS,
  DEFAULT_VERSION_DEFERRAL_DELAY_MS,
} from "../defaults.js";
import type { Duration } from "../duration.js";
import {
  duration,
  oneOf,
  positiveDuration,
  positiveInteger,
  queueNames,
  wholeNumber,
} from "../option-checks.js";
import { resolveProviderOptions, type ResolvedProviderOptions } from "../redis/provider/options.js";
import type { Middleware } from "./middleware/compose.js";
import type { Fairness } from "../policy/priority.js";
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
   * Log a "task succeeded" line (info, with its duration) for every handled task. Off by default:
   * at tens of thousands of tasks a second that line was the largest single cost of the worker
   * (bench/README.md). Failures, rejections, retries and dead letters are always logged; metrics
   * count successes either way. @defaultValue false
   */
  readonly logSuccess?: boolean | undefined;
  /**
   * Read ahead: keep up to `concurrency` more entries fetched while the handlers run, so the next
   * read overlaps a batch (they are handed back at `stop()`). Off by default for now: the fault suite
   * saw an entry read ahead started twice across a Redis restart (bench/README.md). @defaultValue false
   */
  readonly readAhead?: boolean | undefined;
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
   * How reads are shared among the priority levels of a queue with levels (docs/policy.md):
   * `"strict"` (a lower level only when every higher one is empty), or deliveries per round while
   * each level has tasks ready. @defaultValue `{ high: 8, normal: 4, low: 1 }`
   */
  readonly fairness?: Fairness | undefined;
  /**
   * Poison limit: an entry delivered more times than this, and started on at least this many of
   * those deliveries (its workers keep dying on it), goes to the DLQ with reason `poison` instead
   * of running again. Deliveries that never started (read ahead by a worker that died) do not
   * count. @defaultValue 5
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
   * An entry of a payload version newer than this worker reads (a producer deployed before the
   * workers) is handed back, for a newer worker to take, this many times without counting a retry;
   * then it goes to the DLQ as `unknown_version`. @defaultValue 10
   */
  readonly maxVersionDeferrals?: number | undefined;
  /** Delay before such an entry is offered again; doubled each time, up to 32 times this. @defaultValue `"1s"` */
  readonly versionDeferralDelay?: Duration | undefined;
  /**
   * Runs around each attempt inside the tracing scope, with `ctx.traceparent` from the producer:
   * the place for an OpenTelemetry adapter to start a span. @defaultValue
   * {@link openTelemetryTraceHook}: a CONSUMER span per attempt when `@opentelemetry/api` is installed
   */
  readonly traceHook?: Middleware | undefined;
}

/** Every worker option resolved; durations in ms. */
export interface ResolvedWorkerOptions {
  readonly queues: readonly string[];
  readonly logger: Logger;
  readonly logSuccess: boolean;
  readonly readAhead: boolean;
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
  readonly maxVersionDeferrals: number;
  readonly versionDeferralDelayMs: number;
  /** Checked against `provider.claimMinIdleMs` when the worker starts. */
  readonly leaseIntervalMs: number;
  readonly traceHook: Middleware | undefined;
  /** The provider's knobs (`redis`, `tls`, `keyPrefix`, `consumer`, `count`, `block`, ...). */
  readonly provider: ResolvedProviderOptions;
}

const WHERE = "worker option";

/** Resolves and checks every option; throws `ConfigError` naming the option and the fix. */
export function resolveWorkerOptions(registry: TaskRegistry, options: WorkerOptions): ResolvedWorkerOptions {
  const queues = queueNames(options.queues, registry.queues, WHERE);
  const concurrency = positiveInteger(options.concurrency, "concurrency", WHERE) ?? DEFAULT_CONCURRENCY;
  const logger = options.logger ?? defaultLogger();
  const provider = resolveProviderOptions(
    registry,
    {
      queues,
      redis: options.redis,
      tls: options.tls,
      keyPrefix: options.keyPrefix,
      logger,
      consumer: options.consumer,
      count: options.count ?? concurrency,
      block: options.block,
      claimMinIdle: options.claimMinIdle,
      claimCount: options.claimCount,
      enableAutoClaim: options.enableAutoClaim,
      fairness: options.fairness,
    },
    WHERE,
  );
  return {
    queues,
    logger,
    logSuccess: options.logSuccess ?? DEFAULT_LOG_SUCCESS,
    readAhead: options.readAhead ?? false,
    concurrency,
    backoffStrategy:
      oneOf(options.backoffStrategy, BACKOFF_STRATEGIES, "backoffStrategy", WHERE) ??
      DEFAULT_BACKOFF_STRATEGY,
    baseBackoffMs: duration(options.baseBackoff, "baseBackoff", WHERE) ?? DEFAULT_BASE_BACKOFF_MS,
    maxBackoffMs: duration(options.maxBackoff, "maxBackoff", WHERE) ?? DEFAULT_MAX_BACKOFF_MS,
    backoffJitter:
      oneOf(options.backoffJitter, BACKOFF_JITTERS, "backoffJitter", WHERE) ?? DEFAULT_BACKOFF_JITTER,
    shutdownTimeoutMs:
      duration(options.shutdownTimeout, "shutdownTimeout", WHERE) ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
    pollIntervalMs: duration(options.pollInterval, "pollInterval", WHERE) ?? DEFAULT_POLL_INTERVAL_MS,
    errorBackoffMs: duration(options.errorBackoff, "errorBackoff", WHERE) ?? DEFAULT_ERROR_BACKOFF_MS,
    maxDeliveries: positiveInteger(options.maxDeliveries, "maxDeliveries", WHERE) ?? DEFAULT_MAX_DELIVERIES,
    maxPayloadBytes:
      positiveInteger(options.maxPayloadBytes, "maxPayloadBytes", WHERE) ?? DEFAULT_MAX_PAYLOAD_BYTES,
    maxPayloadDepth: positiveInteger(options.maxPayloadDepth, "maxPayloadDepth", WHERE) ?? DEFAULT_MAX_DEPTH,
    maxVersionDeferrals:
      wholeNumber(options.maxVersionDeferrals, "maxVersionDeferrals", WHERE) ?? DEFAULT_MAX_VERSION_DEFERRALS,
    versionDeferralDelayMs:
      positiveDuration(options.versionDeferralDelay, "versionDeferralDelay", WHERE) ??
      DEFAULT_VERSION_DEFERRAL_DELAY_MS,
    leaseIntervalMs:
      positiveDuration(options.leaseInterval, "leaseInterval", WHERE) ??
      Math.floor(provider.claimMinIdleMs / LEASE_EXTENSIONS_PER_CLAIM_IDLE),
    traceHook: options.traceHook ?? openTelemetryTraceHook(),
    provider,
  };
}

import type { BackoffJitter, BackoffStrategy } from "./backoff.js";

/**
 * Library defaults, resolved once. Precedence everywhere: enqueue option > schema task (with the
 * schema's `defaults`) > worker/provider config > these constants. "Absent" means inherit, never 0.
 */

/** `redis` option when absent: `REDIS_URL`, else a local Redis. Read at call time. */
export function defaultRedisUrl(): string {
  return process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
}

/** Retries after the first attempt when neither the enqueue call nor the schema says. */
export const DEFAULT_MAX_RETRIES = 3;

/** Per-attempt timeout when neither the enqueue call nor the schema says: 30s. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Largest payload (bytes of JSON text) when the schema sets no cap: 1 MiB. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1_048_576;

/** Deepest nesting of objects and arrays in a payload when the schema sets no cap. */
export const DEFAULT_MAX_DEPTH = 32;

/**
 * How many times a worker hands back an entry of a payload version newer than it reads (for a
 * newer worker to take) before dead-lettering it as `unknown_version`.
 */
export const DEFAULT_MAX_VERSION_DEFERRALS = 10;

/** The delay before such an entry is offered again: 1s, doubled each time, up to 32 times this. */
export const DEFAULT_VERSION_DEFERRAL_DELAY_MS = 1000;

/** The growth cap of the deferral delay, as a multiple of the first delay. */
export const VERSION_DEFERRAL_DELAY_CAP = 32;

/** How long an idempotency key remembers its task: 24h. */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** Tasks per write (one ENQUEUE_MANY call, or one pipeline) of `enqueueBulk`. */
export const BULK_PIPELINE_CHUNK = 250;

/** Provider (Go: Count): most entries one XREADGROUP returns. */
export const DEFAULT_READ_COUNT = 10;

/** Provider (Go: Block): how long one XREADGROUP blocks waiting for new entries. */
export const DEFAULT_BLOCK_MS = 1000;

/** Provider (Go: ClaimCount): most stale entries one XAUTOCLAIM takes. */
export const DEFAULT_CLAIM_COUNT = 10;

/** Provider (Go: EnableAutoClaim): reclaim entries of dead consumers. */
export const DEFAULT_ENABLE_AUTO_CLAIM = true;

/** Floor of the derived claim idle time: 30s. */
export const MIN_CLAIM_IDLE_MS = 30_000;

/** Slack added to twice the longest task timeout in the derived claim idle time: 5s. */
export const CLAIM_IDLE_SLACK_MS = 5_000;

/**
 * The default claim idle time (Go: ClaimMinIdle) of a provider: `max(30s, 2 × longest task
 * timeout of its queues + 5s)`. A live worker extends the lease of its in-flight entries well
 * within this time, so only entries of dead consumers ever get this idle.
 */
export function defaultClaimMinIdleMs(longestTimeoutMs: number): number {
  return Math.max(MIN_CLAIM_IDLE_MS, 2 * longestTimeoutMs + CLAIM_IDLE_SLACK_MS);
}

/**
 * Most acknowledgements one ACK_MANY script call carries. Acks requested in the same event-loop
 * turn (tasks that finished together) share one call; a bigger group is split.
 */
export const ACK_BATCH_MAX = 500;

/** Most due delayed tasks moved to their stream by one promotion step. */
export const PROMOTE_BATCH = 100;

/**
 * The longest a worker's promoter sleeps between two promotions when no delayed task is due
 * sooner (announcements of new due times wake it earlier; this bounds the lateness of a task
 * whose announcement was lost, or that a foreign producer put in the delayed set): 1s.
 */
export const PROMOTER_IDLE_CHECK_MS = 1_000;

/**
 * Least time between two promotion + reclaim steps of one provider (each fetch runs one at most
 * this often, or sooner when a delayed task it knows of falls due): 100ms.
 */
export const HOUSEKEEPING_INTERVAL_MS = 100;

/**
 * Idle time given to an entry handed back at shutdown (redis/provider/hand-back.ts): longer than any
 * claim idle time, so the next XAUTOCLAIM of another worker takes it, and well under the time since
 * 1970 (Redis takes a larger one as "idle 0").
 */
export const HAND_BACK_IDLE_MS = 365 * 24 * 3_600_000;

/** Longest a stopping worker waits for Redis to take a hand-back (it may be down), each of two steps. */
export const HAND_BACK_WAIT_MS = 400;

/**
 * A command (or script) without a reply after this long fails, and its connection is replaced:
 * a half-open TCP connection must not hang a worker or producer: 10s.
 */
export const COMMAND_TIMEOUT_MS = 10_000;

/**
 * A producer whose connection is not up waits this long for it before an enqueue fails with
 * "cannot connect" (nothing is sent until it is up, so nothing is written twice): 3s.
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 3_000;

/** Extra wait beyond the block time before a blocking read counts as hung and its connection is replaced. */
export const BLOCKING_READ_GRACE_MS = 5_000;

// ── Worker (the Go package's Worker Config knobs, and jobgen's additions) ─────────────────────

/** Worker (Go: Concurrency): tasks handled at once. */
export const DEFAULT_CONCURRENCY = 10;

/** Worker (Go: BackoffStrategy): backoff strategy of tasks whose schema sets none. */
export const DEFAULT_BACKOFF_STRATEGY: BackoffStrategy = "exponential";

/** Worker (Go: BaseBackoff): delay before the first retry: 1s. */
export const DEFAULT_BASE_BACKOFF_MS = 1_000;

/** Worker (Go: MaxBackoff): upper bound of a retry delay: 5m. */
export const DEFAULT_MAX_BACKOFF_MS = 5 * 60 * 1000;

/** Random spread of retry delays (not in the Go package): full jitter, uniform in 0..delay. */
export const DEFAULT_BACKOFF_JITTER: BackoffJitter = "full";

/** Worker (Go: ShutdownTimeout): how long `stop()` waits for in-flight tasks: 30s. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;

/** A worker pool restarts a worker process that died after this long, doubling per death in a row. */
export const DEFAULT_POOL_RESTART_DELAY_MS = 1_000;

/** The longest wait before a pool restarts a worker process; one that ran this long resets the doubling. */
export const DEFAULT_POOL_MAX_RESTART_DELAY_MS = 30_000;

/** How long a pool's `stop()` waits for its worker processes to drain and exit before killing them. */
export const DEFAULT_POOL_STOP_TIMEOUT_MS = DEFAULT_SHUTDOWN_TIMEOUT_MS + 15_000;

/** How often a pool's worker process sends its counters to the primary. */
export const POOL_METRICS_INTERVAL_MS = 1_000;

/** Workers log failures, retries and dead letters, not each success (worker option `logSuccess`). */
export const DEFAULT_LOG_SUCCESS = false;

/** Worker (Go: PollInterval): wait after an empty fetch when the provider does not block: 1s. */
export const DEFAULT_POLL_INTERVAL_MS = 1_000;

/** Worker (Go: ErrorBackoff): wait after a failed fetch: 5s. */
export const DEFAULT_ERROR_BACKOFF_MS = 5_000;

/** Poison limit: an entry delivered more often than this (its worker keeps dying) goes to the DLQ. */
export const DEFAULT_MAX_DELIVERIES = 5;

/**
 * A settle step (ack, retry, dead-letter) that Redis refused or could not take is sent again after
 * this long, doubling each time up to SETTLE_RETRY_MAX_MS, while the worker keeps the lease: 100ms.
 */
export const SETTLE_RETRY_BASE_MS = 100;

/** Longest wait between two tries of a settle step: 1s, so a settle lands soon after an outage. */
export const SETTLE_RETRY_MAX_MS = 1_000;

/** Lease extension runs this many times per claim idle time (every claimMinIdle / 3). */
export const LEASE_EXTENSIONS_PER_CLAIM_IDLE = 3;

/** DLQ entries listed per page when the caller does not say. */
export const DEFAULT_DLQ_PAGE_SIZE = 50;

/** Port of the dashboard's own server (`jobgen dashboard`, `startDashboardServer`). */
export const DEFAULT_DASHBOARD_PORT = 8484;

/** Address the dashboard's own server binds: this machine only. */
export const DEFAULT_DASHBOARD_HOST = "127.0.0.1";

// The public API of jobgen's runtime: what generated code, workers and producers import.
// zod is reached through the runtime, so generated validators and the runtime share one version.
export { z } from "zod";
export type {
  AnyHandler,
  AnyUpcasts,
  BackoffPolicy,
  BulkEnqueueItem,
  EnqueueOptions,
  EnqueueOptionsWithoutPriority,
  EnqueuedTask,
  Handler,
  HandlerFunction,
  HandlerObject,
  PayloadVersionDefinition,
  QueueDefinition,
  RateLimitDefinition,
  RedisTarget,
  ScheduleDefinition,
  TaskContext,
  TaskDefinition,
  TaskRegistry,
  TlsOptions,
} from "./types.js";
export type { Duration } from "./duration.js";
export { DEFAULT_FAIRNESS, PRIORITY_LEVELS } from "./policy/priority.js";
export type { Fairness, Priority } from "./policy/priority.js";
export type { CatchUpPolicy } from "./policy/schedule-rules.js";
export {
  ClosedError,
  ConfigError,
  ERROR_CODES,
  JobgenError,
  PayloadTooLargeError,
  PermanentError,
  QueueFullError,
  RedisError,
  RetryAfterError,
  TaskTimeoutError,
  UnknownTaskError,
  ValidationError,
} from "./errors.js";
export type { ErrorCode, ValidationIssue } from "./errors.js";
export { createProducer } from "./producer/producer.js";
export type { Producer, ProducerOptions } from "./producer/producer.js";
export { createRedisProvider } from "./redis/provider/provider.js";
export type { RedisProviderOptions } from "./redis/provider/options.js";
export type { DeadLetterDetails, DeliveredTask, Provider } from "./worker/provider.js";
export { DEAD_LETTER_REASONS } from "./wire/dead-letter.js";
export type { DeadLetterReason } from "./wire/dead-letter.js";
export { createWorkerRuntime } from "./worker/worker.js";
export type { Worker, WorkerOptions } from "./worker/worker.js";
export { createWorkerPool } from "./pool/pool.js";
export type { WorkerPool, WorkerPoolOptions } from "./pool/pool.js";
export type { Middleware, MiddlewareContext } from "./worker/middleware/compose.js";
export { currentCorrelationId, currentTraceparent } from "./worker/middleware/tracing.js";
export { MetricsCollector } from "./observe/metrics.js";
export type {
  DurationSummary,
  MetricsSnapshot,
  TaskOutcome,
  ThrottlePolicy,
  ThrottleSummary,
} from "./observe/metrics.js";
export { BACKOFF_JITTERS, BACKOFF_STRATEGIES, backoffDelay } from "./backoff.js";
export type { BackoffJitter, BackoffStrategy, ResolvedBackoffPolicy } from "./backoff.js";
// Operations and observability; Prometheus is `@jobgen/runtime/prometheus` (prom-client is an optional peer).
export { createAdmin } from "./admin/admin.js";
export type {
  Admin,
  AdminOptions,
  CapStats,
  ConsumerStats,
  DeadLetterEntry,
  DeadLetterFilter,
  DeadLetterPage,
  DeadLetterView,
  LevelStats,
  QueueStats,
  RefusedReplay,
  ReplayCheck,
  ReplayProgress,
  ReplayReport,
  ScheduleStats,
} from "./admin/admin.js";
export { openTelemetryTraceHook } from "./observe/otel.js";
export { pinoRedactPaths, REDACTED, redactPayload } from "./observe/redact.js";
// The checks generated validators call for formats and for keywords zod has no exact method for.
export { isDate, isDateTime, isEmail, isUri, isUuid } from "./wire/formats.js";
export { codePointLength, hasUniqueItems, isMultipleOf, jsonEquals } from "./wire/keyword-checks.js";
export { unsafeIntegerIssues } from "./wire/exact-integers.js";

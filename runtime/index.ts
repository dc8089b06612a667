// The public API of jobgen's runtime: what generated code, workers and producers import.
export type {
  AnyHandler,
  BackoffJitter,
  BackoffPolicy,
  BackoffStrategy,
  BulkEnqueueItem,
  EnqueueOptions,
  EnqueuedTask,
  Handler,
  HandlerFunction,
  HandlerObject,
  QueueDefinition,
  TaskContext,
  TaskDefinition,
  TaskRegistry,
} from "./types.js";
export type { Duration } from "./duration.js";
export {
  ClosedError,
  ConfigError,
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
export { createProducer } from "./producer.js";
export type { Producer, ProducerOptions } from "./producer.js";
export { createRedisProvider } from "./redis-provider.js";
export type { RedisProviderOptions } from "./redis-provider.js";
export type { DeadLetterDetails, DeliveredTask, Provider } from "./provider.js";
export { DEAD_LETTER_REASONS } from "./dead-letter.js";
export type { DeadLetterReason } from "./dead-letter.js";
export { createWorkerRuntime } from "./worker.js";
export type { Worker, WorkerOptions } from "./worker.js";
export type { Middleware, MiddlewareContext } from "./middleware.js";
export { currentCorrelationId, currentTraceparent } from "./middleware/tracing.js";
export { MetricsCollector } from "./metrics.js";
export type { DurationSummary, MetricsSnapshot, TaskOutcome } from "./metrics.js";
export { backoffDelay } from "./backoff.js";
export type { ResolvedBackoffPolicy } from "./backoff.js";

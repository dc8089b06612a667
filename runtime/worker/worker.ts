/**
 * The worker: fetches tasks from the provider in batches sized to its free slots, runs each
 * through the middleware onion to its handler, and settles it with one atomic provider step.
 *
 * - success → `ack`;
 * - failure → `retry` with backoff, or `deadLetter` (see retry-policy.ts for the rules);
 * - delivered more than `maxDeliveries` times and started on as many (its workers keep dying on
 *   it) → `deadLetter` reason `poison`, without running it (poison.ts);
 * - a settle step that Redis refuses or cannot take is sent again, the lease kept, until it goes
 *   through (settle-retry.ts).
 *
 * Slots: at most `concurrency` handlers run at once. A task whose handler has finished frees its slot
 * while its settle step (ack, retry, DLQ) is on its way to Redis, so the next read overlaps the
 * acks of the last batch; at most another `concurrency` tasks may be settling at once. A handler
 * that ignores its aborted signal after a timeout is abandoned: its slot is freed when the attempt
 * fails.
 *
 * While tasks run, a timer extends the lease of every entry the worker holds, every
 * `leaseInterval`, so a live worker's long task is never reclaimed and run twice.
 *
 * With `readAhead`, the fetch loop keeps up to `concurrency` more entries waiting, fetched while the
 * handlers run, started as slots free; at `stop()` what waits, and whatever else is pending on this
 * consumer but abandoned tasks, is handed back to the group (hand-back.ts).
 *
 * The parts: fetch-loop.ts (read ahead, start into free slots), attempt.ts (one attempt through the
 * onion), settle.ts (ack, retry, dead-letter steps), lease.ts (lease extension), state.ts (what
 * they share). This file is the lifecycle: start, stop, signals.
 *
 * `stop()` is two-phase: fetching stops at once; in-flight tasks get `shutdownTimeout` to finish
 * (and are settled as usual); those still running are then aborted (`ctx.signal`, reason a
 * {@link ClosedError}) and left un-acked, pending on this consumer, to be reclaimed and retried
 * by a worker. Then the provider closes.
 */
import { constants as osConstants } from "node:os";
import type { Logger } from "pino";
import { ClosedError, ConfigError } from "../errors.js";
import { MetricsCollector, metricsTypeLabel } from "../observe/metrics.js";
import { compose, type Middleware, type MiddlewareContext } from "./middleware/compose.js";
import { loggingMiddleware } from "./middleware/logging.js";
import { metricsMiddleware } from "./middleware/metrics.js";
import { recoveryMiddleware } from "./middleware/recovery.js";
import { timeoutMiddleware } from "./middleware/timeout.js";
import { tracingMiddleware } from "./middleware/tracing.js";
import { payloadValidation } from "./middleware/validation.js";
import { defaultOnion } from "./default-onion.js";
import { fetchLoop } from "./fetch-loop.js";
import { extendLeases } from "./lease.js";
import type { DeliveredTask, Provider } from "./provider.js";
import { handBackWaiting } from "./hand-back.js";
import type { Lifecycle, TaskRun, WorkerState } from "./state.js";
import { loadOpenTelemetry } from "../observe/otel.js";
import { openRedisProvider } from "../redis/provider/provider.js";
import { startPolicies } from "../policy/policies.js";
import { DEFAULT_STOP_SIGNALS } from "./signals.js";
import type { AnyHandler, AnyUpcasts, TaskRegistry } from "../types.js";
import { callHandler, checkHandlers } from "./handlers.js";
import { checkUpcasts } from "./upcasts.js";
import { resolveWorkerOptions, type ResolvedWorkerOptions, type WorkerOptions } from "./options.js";

export type { WorkerOptions } from "./options.js";

/** A worker of one or more queues. */
export interface Worker {
  /** Connects, creates the consumer groups and starts consuming; resolves once consuming. */
  start(): Promise<void>;
  /**
   * Stops fetching at once, waits up to `shutdownTimeout` for in-flight tasks, then aborts the
   * rest and leaves them pending (they are retried later, never acked), closes the connections.
   * Resolves when done; calling it again returns the same promise.
   */
  stop(): Promise<void>;
  /**
   * Adds a middleware; custom middlewares run in the order added, after validation (they see
   * `ctx.payload` validated), inside the timeout, just before the handler. Only before `start()`.
   */
  use(middleware: Middleware): this;
  /**
   * On the first of `signals`: `stop()`, then `process.exit(0)` (1 when stop failed). A second
   * signal exits at once with 128 + the signal number. Returns a function removing the handlers.
   * @defaultValue signals `["SIGTERM", "SIGINT"]`
   */
  stopOnSignals(signals?: readonly NodeJS.Signals[]): () => void;
  /** This worker's counters; `metrics.snapshot()` reads them. */
  readonly metrics: MetricsCollector;
}

/**
 * Creates a worker; generated `createWorker` calls this. `upcasts` are those of the tasks that keep
 * earlier payload versions, by wire name. Throws {@link ConfigError} on bad options, or when a
 * handler or an upcast of a consumed task is missing.
 */
export function createWorkerRuntime(
  registry: TaskRegistry,
  options: WorkerOptions,
  handlers: Readonly<Record<string, AnyHandler>>,
  upcasts: Readonly<Record<string, AnyUpcasts>> = {},
): Worker {
  const resolved = resolveWorkerOptions(registry, options);
  checkHandlers(registry, resolved.queues, handlers);
  checkUpcasts(registry, resolved.queues, upcasts);
  return new QueueWorker(registry, resolved, handlers, upcasts);
}

class QueueWorker implements Worker, WorkerState {
  readonly metrics = new MetricsCollector();
  readonly logger: Logger;
  readonly waiting: DeliveredTask[] = [];
  /** Tasks a forced shutdown gave up on: left pending, not handed back. */
  readonly abandoned: DeliveredTask[] = [];
  readonly running = new Set<TaskRun>();
  settling = 0;
  lifecycle: Lifecycle = "new";
  provider: Provider | undefined;
  extendingLeases = false;
  wake: () => void = () => {};
  private readonly custom: Middleware[] = [];
  private readonly fetchAbort = new AbortController();
  private startPromise: Promise<void> | undefined;
  private stopPromise: Promise<void> | undefined;
  private loopDone: Promise<void> = Promise.resolve();
  private leaseTimer: NodeJS.Timeout | undefined;
  private stopPolicies: () => Promise<void> = () => Promise.resolve();

  constructor(
    readonly registry: TaskRegistry,
    readonly options: ResolvedWorkerOptions,
    readonly handlers: Readonly<Record<string, AnyHandler>>,
    private readonly upcasts: Readonly<Record<string, AnyUpcasts>>,
  ) {
    this.logger = options.logger.child({ component: "worker" });
  }

  use(middleware: Middleware): this {
    if (this.lifecycle !== "new") throw new ConfigError("worker.use() must be called before worker.start()");
    this.custom.push(middleware);
    return this;
  }

  start(): Promise<void> {
    this.startPromise ??= this.startOnce();
    return this.startPromise;
  }

  stop(): Promise<void> {
    this.stopPromise ??= this.stopOnce();
    return this.stopPromise;
  }

  stopOnSignals(signals: readonly NodeJS.Signals[] = DEFAULT_STOP_SIGNALS): () => void {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) {
        this.logger.warn({ signal }, "second signal: exiting at once");
        process.exit(128 + (osConstants.signals[signal] ?? 0));
      }
      received = true;
      this.logger.info({ signal }, "signal received: stopping the worker (send it again to exit at once)");
      this.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          this.logger.error({ err: error }, "worker did not stop cleanly");
          process.exit(1);
        },
      );
    };
    for (const signal of signals) process.on(signal, onSignal);
    return () => {
      for (const signal of signals) process.off(signal, onSignal);
    };
  }

  private async startOnce(): Promise<void> {
    if (this.lifecycle !== "new") throw new ClosedError("a stopped worker cannot be started again");
    const { options } = this;
    const provider = openRedisProvider(this.registry, options.provider);
    const { leaseIntervalMs } = options;
    if (leaseIntervalMs >= provider.claimMinIdleMs) {
      await provider.close();
      throw new ConfigError(
        `worker option \`leaseInterval\` (${leaseIntervalMs}ms) must be shorter than the claim idle time ` +
          `(${provider.claimMinIdleMs}ms), or other workers reclaim tasks that are still running`,
      );
    }
    try {
      await Promise.all([provider.start(), loadOpenTelemetry()]);
    } catch (error) {
      await provider.close();
      throw error;
    }
    this.provider = provider;
    this.stopPolicies = await startPolicies(this, provider);
    const validate = payloadValidation(
      { maxBytes: options.maxPayloadBytes, maxDepth: options.maxPayloadDepth },
      this.upcasts,
      { maxDeferrals: options.maxVersionDeferrals, delayMs: options.versionDeferralDelayMs },
    );
    const handler = (ctx: MiddlewareContext) => callHandler(this.handlers, ctx);
    // Without custom middleware, the same onion as one step (default-onion.ts).
    const onion =
      this.custom.length === 0
        ? defaultOnion({
            logger: options.logger,
            logSuccess: options.logSuccess,
            metrics: this.metrics,
            traceHook: options.traceHook,
            validate,
            handlers: this.handlers,
          })
        : compose(
            [
              recoveryMiddleware(),
              loggingMiddleware(options.logger, options.logSuccess),
              metricsMiddleware(this.metrics),
              tracingMiddleware(options.traceHook),
              timeoutMiddleware(),
              (ctx, next) => {
                ctx.payload = validate(ctx);
                return next();
              },
              ...this.custom,
            ],
            handler,
          );
    this.lifecycle = "running";
    this.leaseTimer = setInterval(() => void extendLeases(this), leaseIntervalMs);
    this.loopDone = fetchLoop(this, provider, onion, this.fetchAbort.signal);
    this.logger.info(
      {
        queues: options.queues,
        concurrency: options.concurrency,
        consumer: provider.consumer,
        claimMinIdleMs: provider.claimMinIdleMs,
        leaseIntervalMs,
      },
      "worker started",
    );
  }

  private async stopOnce(): Promise<void> {
    await this.startPromise?.catch(() => undefined);
    if (this.lifecycle !== "running") {
      this.lifecycle = "stopped";
      return;
    }
    this.lifecycle = "stopping";
    this.fetchAbort.abort();
    this.wake();
    this.logger.info(
      { inFlight: this.running.size, shutdownTimeoutMs: this.options.shutdownTimeoutMs },
      "worker stopping: fetching stopped, waiting for in-flight tasks",
    );
    // What was read ahead goes back to the group now, for other workers, while this one drains.
    const handedBack = this.provider ? handBackWaiting(this, this.provider) : Promise.resolve();
    if (!(await this.drained(this.options.shutdownTimeoutMs))) {
      const reason = new ClosedError(
        `worker stopped: shutdownTimeout (${this.options.shutdownTimeoutMs}ms) passed; ` +
          "the task is left pending and will be retried",
      );
      for (const run of this.running) {
        if (run.phase === "handling") {
          abandon(this, run, reason);
        } else if (run.settleRetrying) {
          run.abandoned = true;
          this.abandoned.push(run.task);
          run.interrupt(reason);
        }
      }
      await this.drained(Number.POSITIVE_INFINITY);
    }
    clearInterval(this.leaseTimer);
    await handedBack;
    // Then the rest pending on this consumer (a fetch cut short by the stop, one that returned
    // after it), but the tasks abandoned above, whose handlers may still run.
    if (this.provider) await handBackWaiting(this, this.provider, this.abandoned);
    await this.stopPolicies();
    await this.provider?.close(); // also ends a fetch still waiting on Redis
    await this.loopDone;
    if (this.waiting.length > 0) {
      this.logger.info(
        { count: this.waiting.splice(0).length },
        "tasks fetched as the worker closed are left pending, to be reclaimed",
      );
    }
    this.lifecycle = "stopped";
    this.logger.info("worker stopped");
  }

  /** Resolves `true` once nothing runs, `false` when `timeoutMs` passes first. */
  private async drained(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.running.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = Number.isFinite(left) ? setTimeout(resolve, left) : undefined;
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return true;
  }
}

/**
 * A forced shutdown gives up on a running attempt at once: its signal aborts, it no longer holds
 * the worker, and whatever its handler does later, its entry is left pending, to be retried.
 */
function abandon(worker: QueueWorker, run: TaskRun, reason: Error): void {
  run.abandoned = true;
  worker.abandoned.push(run.task);
  run.context?.abort(reason);
  worker.running.delete(run);
  worker.metrics.recordOutcome(
    run.context === undefined ? "(unknown)" : metricsTypeLabel(run.context),
    "abandoned",
  );
  (run.context?.logger ?? worker.logger).warn("task aborted by shutdown; left pending, to be retried");
}

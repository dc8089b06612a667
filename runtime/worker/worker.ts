/**
 * The worker: fetches tasks from the provider in batches sized to its free slots, runs each
 * through the middleware onion to its handler, and settles it with one atomic provider step.
 *
 * - success → `ack`;
 * - failure → `retry` with backoff, or `deadLetter` (see retry-policy.ts for the rules);
 * - delivered more than `maxDeliveries` times (its workers keep dying on it) → `deadLetter`
 *   reason `poison`, without running it;
 * - a settle step that fails (Redis down) leaves the entry pending: it is reclaimed later.
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
 * `stop()` is two-phase: fetching stops at once; in-flight tasks get `shutdownTimeout` to finish
 * (and are settled as usual); those still running are then aborted (`ctx.signal`, reason a
 * {@link ClosedError}) and left un-acked, pending on this consumer, to be reclaimed and retried
 * by a worker. Then the provider closes.
 */
import { constants as osConstants } from "node:os";
import type { Logger } from "pino";
import { AttemptContext, HandlerContext } from "./attempt-context.js";
import { ClosedError, ConfigError } from "../errors.js";
import { MetricsCollector, metricsTypeLabel } from "../observe/metrics.js";
import { compose, type Middleware, type MiddlewareContext, type TaskStep } from "./middleware/compose.js";
import { loggingMiddleware } from "./middleware/logging.js";
import { metricsMiddleware } from "./middleware/metrics.js";
import { recoveryMiddleware, toError } from "./middleware/recovery.js";
import { timeoutMiddleware } from "./middleware/timeout.js";
import { tracingMiddleware } from "./middleware/tracing.js";
import { validationMiddleware } from "./middleware/validation.js";
import type { DeliveredTask, Provider } from "./provider.js";
import { loadOpenTelemetry } from "../observe/otel.js";
import { openRedisProvider } from "../redis/provider/provider.js";
import { failureDisposition } from "./retry-policy.js";
import { DEFAULT_STOP_SIGNALS } from "./signals.js";
import { resolveTaskSettings } from "./task-settings.js";
import type { AnyHandler, HandlerFunction, HandlerObject, TaskDefinition, TaskRegistry } from "../types.js";
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

/** One task this worker holds, from fetch to settle. */
interface TaskRun {
  readonly task: DeliveredTask;
  /** `handling` until the onion settles, then `settling` (the provider step). */
  phase: "handling" | "settling";
  /** Set by a forced shutdown: the task is left pending, whatever its handler does later. */
  abandoned: boolean;
  /** The attempt's context, once made. */
  context: AttemptContext | undefined;
  /** Ends the wait for the attempt at once, failing it with `reason` (forced shutdown). */
  interrupt: (reason: Error) => void;
}

type State = "new" | "running" | "stopping" | "stopped";

/** Creates a worker; generated `createWorker` calls this. Throws {@link ConfigError} on bad options. */
export function createWorkerRuntime(
  registry: TaskRegistry,
  options: WorkerOptions,
  handlers: Readonly<Record<string, AnyHandler>>,
): Worker {
  const resolved = resolveWorkerOptions(registry, options);
  checkHandlers(registry, resolved.queues, handlers);
  return new QueueWorker(registry, resolved, handlers);
}

class QueueWorker implements Worker {
  readonly metrics = new MetricsCollector();
  private readonly logger: Logger;
  private readonly custom: Middleware[] = [];
  /** Every task held, from fetch to settle. */
  private readonly running = new Set<TaskRun>();
  /** Of those, how many are settling (their handler is done). */
  private settling = 0;
  private readonly fetchAbort = new AbortController();
  private state: State = "new";
  private provider: Provider | undefined;
  private startPromise: Promise<void> | undefined;
  private stopPromise: Promise<void> | undefined;
  private loopDone: Promise<void> = Promise.resolve();
  private leaseTimer: NodeJS.Timeout | undefined;
  private extendingLeases = false;
  private wake: () => void = () => {};

  constructor(
    private readonly registry: TaskRegistry,
    private readonly options: ResolvedWorkerOptions,
    private readonly handlers: Readonly<Record<string, AnyHandler>>,
  ) {
    this.logger = options.logger.child({ component: "worker" });
  }

  use(middleware: Middleware): this {
    if (this.state !== "new") throw new ConfigError("worker.use() must be called before worker.start()");
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
    if (this.state !== "new") throw new ClosedError("a stopped worker cannot be started again");
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
    const onion = compose(
      [
        recoveryMiddleware(),
        loggingMiddleware(options.logger),
        metricsMiddleware(this.metrics),
        tracingMiddleware(options.traceHook),
        timeoutMiddleware(),
        validationMiddleware({ maxBytes: options.maxPayloadBytes, maxDepth: options.maxPayloadDepth }),
        ...this.custom,
      ],
      (ctx) => this.callHandler(ctx),
    );
    this.state = "running";
    this.leaseTimer = setInterval(() => void this.extendLeases(), leaseIntervalMs);
    this.loopDone = this.consume(provider, onion);
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
    if (this.state !== "running") {
      this.state = "stopped";
      return;
    }
    this.state = "stopping";
    this.fetchAbort.abort();
    this.wake();
    this.logger.info(
      { inFlight: this.running.size, shutdownTimeoutMs: this.options.shutdownTimeoutMs },
      "worker stopping: fetching stopped, waiting for in-flight tasks",
    );
    if (!(await this.drained(this.options.shutdownTimeoutMs))) {
      const reason = new ClosedError(
        `worker stopped: shutdownTimeout (${this.options.shutdownTimeoutMs}ms) passed; ` +
          "the task is left pending and will be retried",
      );
      for (const run of this.running) {
        if (run.phase === "handling") {
          run.abandoned = true;
          run.context?.abort(reason);
          run.interrupt(reason);
        }
      }
      await this.drained(Number.POSITIVE_INFINITY);
    }
    clearInterval(this.leaseTimer);
    await this.provider?.close(); // also ends a fetch still waiting on Redis
    await this.loopDone;
    this.state = "stopped";
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

  private async consume(provider: Provider, onion: TaskStep): Promise<void> {
    const { options } = this;
    const signal = this.fetchAbort.signal;
    const { blockMs } = options.provider;
    while (this.state === "running") {
      const free = Math.min(
        options.concurrency - (this.running.size - this.settling),
        2 * options.concurrency - this.running.size,
      );
      if (free <= 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      let batch: DeliveredTask[];
      const fetchedAt = Date.now();
      try {
        batch = await provider.fetch(free, signal);
      } catch (error) {
        if (this.state !== "running") break;
        this.metrics.recordFetchError();
        this.logger.error({ err: error, retryInMs: options.errorBackoffMs }, "fetch failed");
        await sleep(options.errorBackoffMs, signal);
        continue;
      }
      if (batch.length === 0) {
        // The provider did not block (it came back well within its block time): poll later.
        if (Date.now() - fetchedAt < blockMs / 2) await sleep(options.pollIntervalMs, signal);
        continue;
      }
      if (this.state !== "running") {
        this.logger.info({ count: batch.length }, "tasks fetched while stopping are left pending");
        break;
      }
      this.logger.debug({ count: batch.length, free }, "fetched tasks");
      for (const task of batch) this.dispatch(task, onion, provider);
    }
  }

  private dispatch(task: DeliveredTask, onion: TaskStep, provider: Provider): void {
    const run: TaskRun = {
      task,
      phase: "handling",
      abandoned: false,
      context: undefined,
      interrupt: () => {},
    };
    this.running.add(run);
    void this.process(run, onion, provider);
  }

  /** Handles and settles one task; never rejects. */
  private async process(run: TaskRun, onion: TaskStep, provider: Provider): Promise<void> {
    try {
      await this.handleAndSettle(run, onion, provider);
    } catch (error) {
      this.logger.error({ err: error, taskId: run.task.id }, "worker error");
    } finally {
      this.running.delete(run);
      if (run.phase === "settling") this.settling--;
      this.wake();
    }
  }

  private async handleAndSettle(run: TaskRun, onion: TaskStep, provider: Provider): Promise<void> {
    const { task } = run;
    const definition = this.definitionOf(task.type);
    const settings = resolveTaskSettings(task, definition, this.options);
    const ctx = new AttemptContext(
      task,
      definition,
      settings.maxRetries,
      settings.timeoutMs,
      this.options.logger,
    );
    run.context = ctx;
    const typeLabel = metricsTypeLabel(ctx);
    if (task.deliveryCount > this.options.maxDeliveries) {
      const error =
        `delivered ${task.deliveryCount} times (limit ${this.options.maxDeliveries}): ` +
        "its workers keep dying or stalling on it";
      await this.settle(run, ctx, typeLabel, () =>
        this.deadLetter(provider, run, ctx, typeLabel, { reason: "poison", error }),
      );
      return;
    }
    let failure: Error | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        run.interrupt = reject;
        onion(ctx).then(resolve, reject); // an attempt interrupted at shutdown may still settle later
      });
    } catch (error) {
      failure = toError(error);
    }
    if (run.abandoned) {
      this.metrics.recordOutcome(typeLabel, "abandoned");
      ctx.logger.warn("task aborted by shutdown; left pending, to be retried");
      return;
    }
    if (failure === undefined) {
      await this.settle(run, ctx, typeLabel, () =>
        provider.ack(task).then((owned) => {
          this.metrics.recordOutcome(typeLabel, owned ? "success" : "reclaimed");
          return owned;
        }),
      );
      return;
    }
    const disposition = failureDisposition(failure, task.retry, settings);
    if (disposition.kind === "retry") {
      await this.settle(run, ctx, typeLabel, async () => {
        const owned = await provider.retry(task, disposition.delayMs, failure.message);
        this.metrics.recordOutcome(typeLabel, owned ? "retry" : "reclaimed");
        if (owned)
          ctx.logger.info({ delayMs: disposition.delayMs, retry: task.retry + 1 }, "task retry scheduled");
        return owned;
      });
    } else {
      await this.settle(run, ctx, typeLabel, () =>
        this.deadLetter(provider, run, ctx, typeLabel, disposition.details),
      );
    }
  }

  private async deadLetter(
    provider: Provider,
    run: TaskRun,
    ctx: AttemptContext,
    typeLabel: string,
    details: Parameters<Provider["deadLetter"]>[1],
  ): Promise<boolean> {
    const owned = await provider.deadLetter(run.task, details);
    if (owned) {
      this.metrics.recordOutcome(typeLabel, "dead_letter", details.reason);
      ctx.logger.error(
        { reason: details.reason, error: details.error },
        "task moved to the dead-letter queue",
      );
    } else {
      this.metrics.recordOutcome(typeLabel, "reclaimed");
    }
    return owned;
  }

  /** Runs one provider step; a step that fails or finds the entry gone leaves it to the group. */
  private async settle(run: TaskRun, ctx: AttemptContext, typeLabel: string, step: () => Promise<boolean>) {
    run.phase = "settling";
    this.settling++;
    this.wake();
    try {
      if (!(await step())) {
        ctx.logger.warn(
          "entry was reclaimed by another consumer before this one settled it; left to that one",
        );
      }
    } catch (error) {
      this.metrics.recordOutcome(typeLabel, "abandoned");
      ctx.logger.error({ err: error }, "could not settle the task; it stays pending and will be reclaimed");
    }
  }

  private callHandler(ctx: MiddlewareContext): Promise<void> {
    const type = ctx.type ?? "";
    const handler = Object.hasOwn(this.handlers, type) ? this.handlers[type] : undefined;
    if (handler === undefined) throw new ConfigError(`no handler for task type "${type}"`);
    const taskContext = new HandlerContext(ctx);
    return typeof handler === "function"
      ? (handler as HandlerFunction<unknown>)(ctx.payload, taskContext)
      : (handler as HandlerObject<unknown>).handle(ctx.payload, taskContext);
  }

  /** The definition of a type this worker has a handler for; `undefined` otherwise. */
  private definitionOf(type: string | undefined): TaskDefinition | undefined {
    if (type === undefined || !Object.hasOwn(this.handlers, type)) return undefined;
    return Object.hasOwn(this.registry.tasks, type) ? this.registry.tasks[type] : undefined;
  }

  /** Extends the lease of every entry whose handler still runs (settling ones are being acked). */
  private async extendLeases(): Promise<void> {
    const handling = [...this.running].filter((run) => run.phase === "handling");
    if (handling.length === 0 || this.provider === undefined || this.extendingLeases) return;
    this.extendingLeases = true;
    try {
      const extended = await this.provider.extendLease(handling.map((run) => run.task));
      const stillHandling = handling.filter((run) => this.running.has(run) && run.phase === "handling");
      if (extended < stillHandling.length) {
        this.logger.warn(
          { handling: stillHandling.length, extended },
          "another consumer took over in-flight entries (were they stalled past the claim idle time?)",
        );
      }
    } catch (error) {
      this.logger.warn(
        { err: error, count: handling.length },
        "could not extend the lease of in-flight tasks",
      );
    } finally {
      this.extendingLeases = false;
    }
  }
}

/** Every task type of the consumed queues needs a handler (handlers of other queues are unused). */
function checkHandlers(
  registry: TaskRegistry,
  queues: readonly string[],
  handlers: Readonly<Record<string, AnyHandler>>,
): void {
  const expected = Object.values(registry.tasks)
    .filter((task) => queues.includes(task.queue))
    .map((task) => task.name);
  const missing = expected.filter((name) => !Object.hasOwn(handlers, name));
  if (missing.length > 0) {
    throw new ConfigError(
      `no handler for task type(s) ${missing.join(", ")} of the consumed queues (${queues.join(", ")}); ` +
        "add them to the handlers, or consume fewer queues with the `queues` option",
    );
  }
}

/** Waits `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}

/**
 * A worker pool: one worker per process, N processes with one lifecycle, so every core handles
 * tasks (a worker is one JavaScript thread). Built on node:cluster: the app's main script runs in
 * the primary and again in each worker process, where `createWorkerPool` makes and starts the
 * worker instead of forking.
 *
 * - `start()`: the primary forks `processes` worker processes and resolves when each one's worker
 *   consumes; it rejects (and stops the others) when one fails before its first start.
 * - A worker process that dies is forked again after `restartDelay`, doubling per death in a row up
 *   to `maxRestartDelay` (a process that ran that long starts the count again). Its unsettled
 *   entries are reclaimed as any dead consumer's.
 * - `stop()` / `stopOnSignals()`: the primary asks every worker process to stop (each drains as
 *   `worker.stop()` does, handing back what it read ahead) and waits up to `stopTimeout`, then
 *   kills what remains. Worker processes leave SIGTERM/SIGINT to the primary, and stop when the
 *   primary is gone.
 * - `metrics.snapshot()`: in the primary, the counters of every worker process summed (each sends
 *   its counters every second, and once more when it stops; the counters of processes that died
 *   stay in the sum up to their last report).
 */
import cluster, { type Worker as ClusterProcess } from "node:cluster";
import { availableParallelism, constants as osConstants } from "node:os";
import type { Logger } from "pino";
import {
  DEFAULT_POOL_MAX_RESTART_DELAY_MS,
  DEFAULT_POOL_RESTART_DELAY_MS,
  DEFAULT_POOL_STOP_TIMEOUT_MS,
  POOL_METRICS_INTERVAL_MS,
} from "../defaults.js";
import type { Duration } from "../duration.js";
import { ClosedError, ConfigError } from "../errors.js";
import { defaultLogger } from "../observe/default-logger.js";
import type { MetricsSnapshot } from "../observe/metrics.js";
import { positiveDuration, positiveInteger } from "../option-checks.js";
import { DEFAULT_STOP_SIGNALS } from "../worker/signals.js";
import type { Worker } from "../worker/worker.js";
import { mergeMetrics } from "./merge-metrics.js";
import { isPoolMessage, type ChildMessage, type StopMessage } from "./protocol.js";

export interface WorkerPoolOptions {
  /** Worker processes. @defaultValue the number of cores (`os.availableParallelism()`) */
  readonly processes?: number | undefined;
  /** Wait before forking again a worker process that died; doubles per death in a row. @defaultValue `"1s"` */
  readonly restartDelay?: Duration | undefined;
  /** Longest wait before a restart. @defaultValue `"30s"` */
  readonly maxRestartDelay?: Duration | undefined;
  /** How long `stop()` waits for the worker processes to drain and exit before killing them. @defaultValue `"45s"` */
  readonly stopTimeout?: Duration | undefined;
  /** The primary's log (forks, deaths, restarts). @defaultValue pino at level `info` on stdout */
  readonly logger?: Logger | undefined;
}

export interface WorkerPool {
  /** `true` in the primary (it forks and supervises); `false` in a worker process. */
  readonly isPrimary: boolean;
  /** Primary: forks the worker processes, resolves once each consumes. Worker process: makes and starts its worker. */
  start(): Promise<void>;
  /** Stops every worker process (each drains), or this process's worker; calling it again returns the same promise. */
  stop(): Promise<void>;
  /**
   * Primary: on the first of `signals`, `stop()` then `process.exit(0)` (1 when it failed); a second
   * signal exits at once. Worker process: leaves signals to the primary. Returns a function removing the handlers.
   * @defaultValue signals `["SIGTERM", "SIGINT"]`
   */
  stopOnSignals(signals?: readonly NodeJS.Signals[]): () => void;
  /** Primary: every worker process's counters summed. Worker process: its worker's. */
  readonly metrics: { snapshot(): MetricsSnapshot };
}

const WHERE = "worker pool option";

/**
 * A pool of `options.processes` processes, each running the worker `makeWorker` returns (not yet
 * started). Call it where the app's main script makes its worker; code before it runs in every
 * process (check `pool.isPrimary` for what only the primary should do, such as a /metrics server).
 */
export function createWorkerPool(
  options: WorkerPoolOptions,
  makeWorker: () => Worker | Promise<Worker>,
): WorkerPool {
  if (!cluster.isPrimary) return new PoolProcess(makeWorker);
  const restartDelayMs =
    positiveDuration(options.restartDelay, "restartDelay", WHERE) ?? DEFAULT_POOL_RESTART_DELAY_MS;
  return new PoolPrimary({
    processes: positiveInteger(options.processes, "processes", WHERE) ?? availableParallelism(),
    restartDelayMs,
    maxRestartDelayMs: Math.max(
      restartDelayMs,
      positiveDuration(options.maxRestartDelay, "maxRestartDelay", WHERE) ??
        DEFAULT_POOL_MAX_RESTART_DELAY_MS,
    ),
    stopTimeoutMs:
      positiveDuration(options.stopTimeout, "stopTimeout", WHERE) ?? DEFAULT_POOL_STOP_TIMEOUT_MS,
    logger: (options.logger ?? defaultLogger()).child({ component: "worker-pool" }),
  });
}

interface ResolvedPoolOptions {
  readonly processes: number;
  readonly restartDelayMs: number;
  readonly maxRestartDelayMs: number;
  readonly stopTimeoutMs: number;
  readonly logger: Logger;
}

/** One slot of the pool: the process in it now, and its deaths in a row. */
interface Slot {
  readonly index: number;
  process: ClusterProcess | undefined;
  startedAt: number;
  deathsInARow: number;
  restartTimer: NodeJS.Timeout | undefined;
}

class PoolPrimary implements WorkerPool {
  readonly isPrimary = true;
  private readonly slots: Slot[];
  /** The last counters of every worker process, those that exited included (in flight: 0). */
  private readonly reports = new Map<ClusterProcess, MetricsSnapshot>();
  private stopping = false;
  private startPromise: Promise<void> | undefined;
  private stopPromise: Promise<void> | undefined;
  readonly metrics = {
    snapshot: (): MetricsSnapshot => mergeMetrics([...this.reports.values()]),
  };

  constructor(private readonly options: ResolvedPoolOptions) {
    this.slots = Array.from({ length: options.processes }, (_, index) => ({
      index,
      process: undefined,
      startedAt: 0,
      deathsInARow: 0,
      restartTimer: undefined,
    }));
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
    const { logger } = this.options;
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) {
        logger.warn({ signal }, "second signal: exiting at once");
        for (const slot of this.slots) slot.process?.kill("SIGKILL");
        process.exit(128 + (osConstants.signals[signal] ?? 0));
      }
      received = true;
      logger.info(
        { signal },
        "signal received: stopping the worker processes (send it again to exit at once)",
      );
      this.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, "worker pool did not stop cleanly");
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
    const { logger, processes } = this.options;
    try {
      await Promise.all(this.slots.map((slot) => this.fork(slot)));
    } catch (error) {
      await this.stop();
      throw error;
    }
    logger.info(
      { processes, pids: this.slots.map((slot) => slot.process?.process.pid) },
      "worker pool started",
    );
  }

  /** Forks the slot's process; resolves once its worker consumes, rejects when it fails or dies first. */
  private fork(slot: Slot): Promise<void> {
    const child = cluster.fork({ JOBGEN_POOL_SLOT: String(slot.index) });
    slot.process = child;
    return new Promise<void>((resolve, reject) => {
      let started = false;
      child.on("message", (message: unknown) => {
        if (!isPoolMessage(message)) return;
        const reply = message as ChildMessage;
        if (reply.jobgenPool === "metrics") {
          this.reports.set(child, child.isDead() ? { ...reply.snapshot, inFlight: 0 } : reply.snapshot);
        } else if (reply.jobgenPool === "started") {
          started = true;
          slot.startedAt = Date.now();
          resolve();
        } else if (reply.jobgenPool === "failed" && !started) {
          reject(new Error(`worker process ${slot.index} could not start its worker: ${reply.error}`));
        }
      });
      child.on("exit", (code, signal) => {
        if (slot.process === child) slot.process = undefined;
        const last = this.reports.get(child);
        if (last !== undefined) this.reports.set(child, { ...last, inFlight: 0 });
        if (!started) {
          reject(
            new Error(
              `worker process ${slot.index} exited (code ${code}, signal ${signal}) before its worker started`,
            ),
          );
          return;
        }
        if (this.stopping) return;
        this.restartLater(slot, code, signal);
      });
    });
  }

  private restartLater(slot: Slot, code: number | null, signal: string | null): void {
    const { logger, restartDelayMs, maxRestartDelayMs } = this.options;
    if (Date.now() - slot.startedAt >= maxRestartDelayMs) slot.deathsInARow = 0;
    const delayMs = Math.min(maxRestartDelayMs, restartDelayMs * 2 ** slot.deathsInARow);
    slot.deathsInARow++;
    logger.error(
      { slot: slot.index, code, signal, restartInMs: delayMs },
      "worker process died; its unsettled tasks are reclaimed by the others; restarting it",
    );
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined;
      if (this.stopping) return;
      this.fork(slot).then(
        () => logger.info({ slot: slot.index, pid: slot.process?.process.pid }, "worker process restarted"),
        (error: unknown) => {
          logger.error({ err: error, slot: slot.index }, "worker process failed to restart");
          if (!this.stopping && slot.process === undefined) this.restartLater(slot, null, null);
        },
      );
    }, delayMs);
  }

  private async stopOnce(): Promise<void> {
    const { logger, stopTimeoutMs } = this.options;
    this.stopping = true;
    const alive = this.slots.flatMap((slot) => {
      clearTimeout(slot.restartTimer);
      return slot.process === undefined || slot.process.isDead() ? [] : [slot.process];
    });
    logger.info({ processes: alive.length }, "worker pool stopping: each worker process drains");
    const exited = alive.map(
      (child) =>
        new Promise<void>((resolve) => (child.isDead() ? resolve() : child.once("exit", () => resolve()))),
    );
    const stop: StopMessage = { jobgenPool: "stop" };
    for (const child of alive) if (child.isConnected()) child.send(stop);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      Promise.all(exited).then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), stopTimeoutMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      logger.error({ stopTimeoutMs }, "worker processes did not exit in time; killing them");
      for (const child of alive) if (!child.isDead()) child.kill("SIGKILL");
      await Promise.all(exited);
    }
    logger.info("worker pool stopped");
  }
}

/** This process is one of a pool's worker processes: it runs one worker, as the primary says. */
class PoolProcess implements WorkerPool {
  readonly isPrimary = false;
  private worker: Worker | undefined;
  private startPromise: Promise<void> | undefined;
  private stopPromise: Promise<void> | undefined;
  private metricsTimer: NodeJS.Timeout | undefined;
  readonly metrics = {
    snapshot: (): MetricsSnapshot => {
      if (this.worker === undefined)
        throw new ClosedError("the pool's worker is not made yet: start() first");
      return this.worker.metrics.snapshot();
    },
  };

  constructor(private readonly makeWorker: () => Worker | Promise<Worker>) {}

  start(): Promise<void> {
    this.startPromise ??= this.startOnce();
    return this.startPromise;
  }

  stop(): Promise<void> {
    this.stopPromise ??= this.stopOnce();
    return this.stopPromise;
  }

  stopOnSignals(): () => void {
    return () => {};
  }

  private async startOnce(): Promise<void> {
    // Signals go to the primary, which stops this process in order; the terminal's Ctrl-C reaches
    // every process of the group, so it is ignored here.
    for (const signal of DEFAULT_STOP_SIGNALS) process.on(signal, () => {});
    process.on("message", (message: unknown) => {
      if (isPoolMessage(message) && message.jobgenPool === "stop") void this.exitAfterStop(0);
    });
    process.on("disconnect", () => void this.exitAfterStop(0)); // the primary is gone
    try {
      this.worker = await this.makeWorker();
      if (typeof this.worker?.start !== "function") {
        throw new ConfigError(
          "createWorkerPool: makeWorker must return a worker (createWorker(...), not started)",
        );
      }
      await this.worker.start();
    } catch (error) {
      send({ jobgenPool: "failed", error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
    this.metricsTimer = setInterval(() => this.report(), POOL_METRICS_INTERVAL_MS);
    this.metricsTimer.unref();
    send({ jobgenPool: "started" });
  }

  private async stopOnce(): Promise<void> {
    clearInterval(this.metricsTimer);
    await this.startPromise?.catch(() => undefined);
    await this.worker?.stop();
  }

  private report(): void {
    if (this.worker !== undefined) send({ jobgenPool: "metrics", snapshot: this.worker.metrics.snapshot() });
  }

  private async exitAfterStop(code: number): Promise<void> {
    try {
      await this.stop();
    } catch {
      code = 1;
    }
    // The last report reaches the primary before this process exits.
    if (this.worker !== undefined && process.connected) {
      const last: ChildMessage = { jobgenPool: "metrics", snapshot: this.worker.metrics.snapshot() };
      process.send?.(last, () => process.exit(code));
    } else {
      process.exit(code);
    }
  }
}

function send(message: ChildMessage): void {
  if (process.connected) process.send?.(message);
}

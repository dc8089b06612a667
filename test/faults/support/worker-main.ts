/**
 * A worker process of the fault suite, run as `node --import tsx worker-main.ts` with its
 * configuration in `FAULTS_WORKER`. It runs the jobgen worker runtime with the `work` handler,
 * whose behaviour the payload sets, and writes started / done / failed / effect events and a
 * periodic memory and prototype-pollution report to the test's ledger.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { PermanentError } from "../../../runtime/errors.js";
import type { TaskContext } from "../../../runtime/types.js";
import { createWorkerRuntime, type WorkerOptions } from "../../../runtime/worker/worker.js";
import { redisClient } from "./client.js";
import { installCommandHook } from "./hook.js";
import { effectOnce } from "./idempotency.js";
import { LedgerWriter } from "./ledger.js";
import { firstTime } from "./once.js";
import { faultRegistry, WORK, type WorkPayload } from "./registry.js";
import { EXIT_CANNOT_START, type WorkerProcessConfig } from "./worker-config.js";

const REPORT_EVERY_MS = 1_000;

function readConfig(): WorkerProcessConfig {
  const text = process.env.FAULTS_WORKER;
  if (text === undefined) throw new Error("worker-main: FAULTS_WORKER (the JSON configuration) is not set");
  return JSON.parse(text) as WorkerProcessConfig;
}

const config = readConfig();

const { pid } = process;
const { consumer, keyPrefix, markerDir } = config;
const ledger = new LedgerWriter(config.ledgerPath);
let sawSigterm = false;
/** The attempt each armed task id is on: its kill is spent (marker written) only when the hook strikes. */
const armedAttempts = new Map<string, number>();
const hook = installCommandHook({
  beforeDying: (id, point, command) => {
    const attempt = armedAttempts.get(id) ?? 0;
    firstTime(markerDir, `kill-${id}-${attempt}`);
    ledger.write({ ev: "hook", id, attempt, pid, point, command });
  },
  onRead: (command) => {
    if (sawSigterm) ledger.write({ ev: "read-after-signal", pid, command });
  },
});
process.prependListener("SIGTERM", () => {
  sawSigterm = true;
  ledger.write({ ev: "sigterm-seen", pid });
});
let effects: Redis | undefined;

function polluted(): boolean {
  return (
    ({} as Record<string, unknown>)["polluted"] !== undefined ||
    Object.prototype.hasOwnProperty.call(Object.prototype, "polluted")
  );
}

function report(): void {
  ledger.write({ ev: "report", pid, consumer, rss: process.memoryUsage.rss(), polluted: polluted() });
}

function waitMs(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    });
  });
}

/** Fails the attempt the way the payload says: Error, non-Error values, rejection, PermanentError. */
function failure(payload: WorkPayload, attempt: number): Promise<never> {
  const text = `planned failure of attempt ${attempt}`;
  switch (payload.failWith ?? "error") {
    case "string":
      throw text;
    case "object":
      throw { code: 42, text };
    case "undefined":
      throw undefined;
    case "null":
      throw null;
    case "reject":
      return Promise.reject(new Error(text));
    case "permanent":
      throw new PermanentError(text);
    case "error":
      throw new Error(text);
  }
}

async function work(payload: WorkPayload, ctx: TaskContext<WorkPayload>): Promise<void> {
  const event = { id: ctx.taskId, seq: payload.seq, pid, consumer, attempt: ctx.attempt };
  ledger.write({ ev: "started", ...event });
  const strikes = (mode: "once" | "always" | undefined, what: string): boolean =>
    mode === "always" || (mode === "once" && firstTime(markerDir, `${what}-${ctx.taskId}`));
  if (strikes(payload.exit, "exit")) process.exit(3);
  if (strikes(payload.syncLoop, "sync-loop")) {
    ledger.write({ ev: "blocked", id: ctx.taskId, pid });
    for (;;) {
      // blocks the event loop until the watchdog SIGKILLs the process
    }
  }
  if (strikes(payload.hang, "hang")) await new Promise<never>(() => undefined);
  if (payload.durationMs !== undefined) {
    await waitMs(payload.durationMs, payload.respectSignal === false ? undefined : ctx.signal);
  }
  if (ctx.attempt <= (payload.failTimes ?? 0)) {
    ledger.write({ ev: "failed", ...event, error: payload.failWith ?? "error" });
    // The retry or dead-letter transition of this attempt (its arguments carry the task id). The
    // kill is spent only when it strikes: with concurrency 1 this attempt can still be cut short by
    // the kill of the task before it (whose transition may run while this handler does), and then
    // its redelivery arms it again.
    const killAt = payload.killAt;
    if (killAt !== undefined && !existsSync(join(markerDir, `kill-${ctx.taskId}-${ctx.attempt}`))) {
      armedAttempts.set(ctx.taskId, ctx.attempt);
      hook.arm(ctx.taskId, killAt);
    }
    return failure(payload, ctx.attempt);
  }
  if (payload.effect === true) {
    effects ??= redisClient(config.redisUrl);
    if (await effectOnce(effects, keyPrefix, ctx.taskId, consumer)) ledger.write({ ev: "effect", ...event });
  }
  ledger.write({ ev: "done", ...event });
}

const logger = pino({ level: config.logLevel, base: { consumer } });
const options: WorkerOptions = {
  redis: config.redisUrl,
  keyPrefix,
  consumer,
  concurrency: config.concurrency,
  claimMinIdle: config.claimMinIdleMs,
  shutdownTimeout: config.shutdownTimeoutMs,
  maxDeliveries: config.maxDeliveries,
  block: config.blockMs,
  logger,
};

function cannotStart(error: unknown): never {
  logger.fatal({ err: error }, "worker cannot start");
  process.exit(EXIT_CANNOT_START);
}

const worker = (() => {
  try {
    return createWorkerRuntime(faultRegistry(config.registry), options, { [WORK]: work });
  } catch (error) {
    return cannotStart(error);
  }
})();
worker.stopOnSignals();
setInterval(report, REPORT_EVERY_MS).unref();
worker.start().then(
  () => {
    ledger.write({ ev: "ready", pid, consumer });
    report();
  },
  (error: unknown) => cannotStart(error),
);

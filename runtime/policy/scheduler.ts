/**
 * The scheduler every worker runs for the schedules of the tasks it handles. At each tick every
 * worker tries to enqueue the tick's task; SCHEDULE_TICK lets only the first one through (the last
 * enqueued tick of the schedule, kept in Redis, only grows), so however many workers run, each tick
 * is enqueued once, with the task id `<schedule>@<tick>`.
 *
 * - Catch-up, at start: a schedule with `catchUp: last` whose latest tick passed while no worker
 *   ran enqueues that tick; `none` skips it. A schedule that never ran has missed nothing.
 * - A tick whose write fails (Redis down) is tried again every second until the next tick is due.
 * - Removed schedules: at start and every {@link FORGET_INTERVAL_MS}, the state of schedules the
 *   schema no longer declares is deleted from each consumed queue, so no key is left behind.
 */
import type { Logger } from "pino";
import { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS } from "../defaults.js";
import { checkOutgoingPayload } from "../producer/outgoing-payload.js";
import type { ScheduleDefinition, TaskRegistry } from "../types.js";
import { encodeTaskArgs } from "../wire/codec.js";
import { scheduleClock, type ScheduleClock } from "./schedule-clock.js";
import type { PolicyStore } from "./store.js";

/** How often a worker deletes the state of schedules the schema no longer declares. */
const FORGET_INTERVAL_MS = 60_000;

/** How long a worker waits before it tries a tick whose write failed (Redis down) again. */
const TICK_RETRY_MS = 1_000;

/** The longest single timer wait; a later tick is waited for in several steps (timers hold 2^31 − 1 ms). */
const MAX_WAIT_MS = 3_600_000;

export interface SchedulerInput {
  readonly registry: TaskRegistry;
  /** The queues this worker consumes. */
  readonly queues: readonly string[];
  /** The task types this worker has handlers for. */
  readonly handled: ReadonlySet<string>;
  readonly store: PolicyStore;
  readonly logger: Logger;
}

interface Running {
  readonly name: string;
  readonly schedule: ScheduleDefinition;
  readonly queue: string;
  readonly clock: ScheduleClock;
  timer: NodeJS.Timeout | undefined;
}

/** Starts the schedules of the tasks this worker handles; resolves with a stop function. */
export async function startScheduler(input: SchedulerInput): Promise<() => Promise<void>> {
  const { registry, store, logger } = input;
  const declared = Object.entries(registry.schedules ?? {});
  const byQueue = new Map(input.queues.map((queue) => [queue, [] as string[]]));
  const mine: Running[] = [];
  for (const [name, schedule] of declared) {
    const queue = registry.tasks[schedule.task]?.queue;
    if (queue === undefined) continue;
    byQueue.get(queue)?.push(name);
    if (byQueue.has(queue) && input.handled.has(schedule.task))
      mine.push({ name, schedule, queue, clock: await scheduleClock(schedule), timer: undefined });
  }

  let stopped = false;
  const halt = new AbortController();
  /** Waits `ms`; resolves `false` at once when the scheduler stops. */
  const pause = (ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      const onStop = (): void => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        halt.signal.removeEventListener("abort", onStop);
        resolve(!stopped);
      }, ms);
      halt.signal.addEventListener("abort", onStop, { once: true });
    });
  const inFlight = new Set<Promise<void>>();
  const track = (work: Promise<void>): void => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  const forget = async (): Promise<void> => {
    for (const [queue, keep] of byQueue) {
      const gone = await store.forgetSchedules(queue, keep);
      if (gone.length > 0) logger.info({ queue, schedules: gone }, "deleted the state of removed schedules");
    }
  };

  const fire = async (run: Running, tickMs: number): Promise<void> => {
    const { name, schedule } = run;
    const definition = registry.tasks[schedule.task];
    if (definition === undefined) return;
    try {
      const fields = encodeTaskArgs({
        id: `${name}@${new Date(tickMs).toISOString()}`,
        type: schedule.task,
        payload: checkOutgoingPayload(schedule.task, definition, schedule.payload),
        createdAt: new Date(tickMs),
        retry: 0,
        maxRetry: definition.maxRetries ?? DEFAULT_MAX_RETRIES,
        timeoutMs: definition.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        metadata: { schedule: name },
        payloadVersion: definition.version,
        payloadSchema: definition.schemaHash,
      });
      const level = registry.queues[run.queue]?.priorities === true ? definition.priority : undefined;
      const outcome = await store.scheduleTick(run.queue, name, tickMs, fields, level);
      if (outcome === "enqueued") logger.debug({ schedule: name, tick: tickMs }, "schedule tick enqueued");
      if (outcome === "full")
        logger.warn({ schedule: name, tick: tickMs }, "schedule tick skipped: the queue is full");
    } catch (error) {
      // The tick script is idempotent: try again, until the next tick is due.
      const next = run.clock.next(tickMs) ?? Number.POSITIVE_INFINITY;
      const again = !stopped && Date.now() + TICK_RETRY_MS < next;
      logger.error(
        { err: error, schedule: name, tick: tickMs, retryInMs: again ? TICK_RETRY_MS : null },
        "schedule tick failed",
      );
      if (again && (await pause(TICK_RETRY_MS))) await fire(run, tickMs);
    }
  };

  const arm = (run: Running, afterMs: number): void => {
    if (stopped) return;
    const next = run.clock.next(afterMs);
    if (next === undefined) return;
    const wait = next - Date.now();
    if (wait > MAX_WAIT_MS) {
      run.timer = setTimeout(() => arm(run, afterMs), MAX_WAIT_MS);
      return;
    }
    run.timer = setTimeout(
      () => {
        track(fire(run, next));
        arm(run, next);
      },
      Math.max(0, wait),
    );
  };

  await forget().catch((error: unknown) =>
    logger.warn({ err: error }, "could not delete the state of removed schedules"),
  );
  const now = Date.now();
  const last = new Map<string, Map<string, number>>();
  for (const run of mine) {
    if (run.schedule.catchUp === "last") {
      let ticks = last.get(run.queue);
      if (ticks === undefined) {
        ticks = await store.lastTicks(run.queue).catch((error: unknown) => {
          logger.warn({ err: error, queue: run.queue }, "could not read schedule state: no catch-up");
          return new Map<string, number>();
        });
        last.set(run.queue, ticks);
      }
      const done = ticks.get(run.name);
      const missed = run.clock.previous(now);
      if (done !== undefined && missed !== undefined && missed > done) {
        logger.info({ schedule: run.name, tick: missed }, "catching up the last missed tick");
        track(fire(run, missed));
      }
    }
    arm(run, now);
  }
  const forgetTimer = setInterval(() => {
    track(
      forget().catch((error: unknown) =>
        logger.warn({ err: error }, "could not delete the state of removed schedules"),
      ),
    );
  }, FORGET_INTERVAL_MS);
  forgetTimer.unref();
  if (mine.length > 0) logger.info({ schedules: mine.map((run) => run.name) }, "schedules started");

  return async () => {
    stopped = true;
    halt.abort();
    clearInterval(forgetTimer);
    for (const run of mine) clearTimeout(run.timer);
    await Promise.all(inFlight);
  };
}

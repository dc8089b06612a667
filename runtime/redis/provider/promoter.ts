/**
 * The promoter: moves due delayed tasks (retries, delayed enqueues, hand-backs) of every queue of
 * the registry into their streams (PROMOTE) on time, whether or not anybody fetches from that
 * queue. It sleeps until the earliest due time of the delayed sets (PROMOTE returns how long until
 * the next member is due), and wakes sooner when a script announces a new earliest due time on a
 * delayed set's channel (scripts.ts). A promotion is an XADD, which ends the blocked XREADGROUP of
 * an idle worker, so a due task starts within a few milliseconds of its due time.
 *
 * Every worker process runs one; promotions are atomic, so several promoters racing move each task
 * once. Announcements missed while the subscriber was disconnected are made up by a promotion at
 * every (re)connection and by a check at least every PROMOTER_IDLE_CHECK_MS.
 */
import { PROMOTE_BATCH, PROMOTER_IDLE_CHECK_MS } from "../../defaults.js";
import { pipelineBySlot } from "../batch.js";
import { closeClient, createRedisClient, type RedisClient } from "../connection.js";
import { commands, errorMessage, failure, type ProviderState } from "./state.js";

export class Promoter {
  private subscriber: RedisClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** A round is on its way; a wake-up meanwhile asks for another round right after it. */
  private promoting = false;
  private again = false;
  private stopped = false;
  private failing = false;

  constructor(private readonly state: ProviderState) {}

  /** Subscribes to the delayed sets' channels and runs the first round. */
  start(): void {
    const { state } = this;
    const subscriber = createRedisClient(state.resolved, "subscriber", state.consumer, state.logger, {
      tls: state.options.tls,
    });
    this.subscriber = subscriber;
    subscriber.on("message", () => this.wake());
    subscriber.on("ready", () => this.wake()); // announcements made while disconnected were lost
    // Once subscribed, one more round: an announcement made before the subscription took effect
    // (a Cluster client connects and subscribes later than `ready`) was not heard.
    subscriber.subscribe(...state.promoted.map((keys) => keys.delayed)).then(
      () => this.wake(),
      (err: unknown) => {
        if (!this.stopped)
          state.logger.warn(
            { err },
            `could not subscribe to due-time announcements; promoting every ${PROMOTER_IDLE_CHECK_MS}ms`,
          );
      },
    );
    this.wake();
  }

  /** Promotes now (or right after the round on its way), then sleeps until the next due time. */
  wake(): void {
    if (this.stopped) return;
    if (this.promoting) {
      this.again = true;
      return;
    }
    this.promoting = true;
    clearTimeout(this.timer);
    void this.round().then((sleepMs) => {
      this.promoting = false;
      if (this.stopped) return;
      if (this.again) {
        this.again = false;
        this.wake();
      } else {
        this.timer = setTimeout(() => this.wake(), sleepMs);
      }
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.subscriber !== undefined) await closeClient(this.subscriber);
  }

  /** One PROMOTE per queue (one pipeline); resolves with how long to sleep. Never rejects. */
  private async round(): Promise<number> {
    const { state } = this;
    let sleepMs = PROMOTER_IDLE_CHECK_MS;
    try {
      const replies = await pipelineBySlot(
        commands(state),
        state.promoted,
        (keys) => keys.stream,
        (pipeline, keys) => pipeline.jobgenPromote(keys.delayed, keys.stream, PROMOTE_BATCH),
      );
      for (const [err, reply] of replies) {
        if (err) throw err;
        const [moved, msUntilNext] = reply as [number, number];
        if (moved >= PROMOTE_BATCH)
          sleepMs = 0; // more may be due already
        else if (msUntilNext >= 0) sleepMs = Math.min(sleepMs, msUntilNext);
      }
      if (this.failing) state.logger.info("promoting delayed tasks again");
      this.failing = false;
    } catch (err) {
      if (!this.failing && !this.stopped && !state.closed) {
        const error = failure(state, "promoting delayed tasks", err);
        state.logger.warn(
          { err: error, retryInMs: PROMOTER_IDLE_CHECK_MS },
          `promotion failed: ${errorMessage(error)}`,
        );
      }
      this.failing = true;
    }
    return sleepMs;
  }
}

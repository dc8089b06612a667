/**
 * The Redis Streams provider: the worker's seam to Redis (worker/provider.ts). Every state change
 * of a task is one Lua script (redis/scripts.ts); each transition has its own file here:
 *
 * | transition | file | script |
 * | --- | --- | --- |
 * | start: create the consumer groups, recreate lost ones | groups.ts | XGROUP CREATE |
 * | fetch: surplus, then housekeeping, then new entries | fetch.ts | — |
 * | promote due delayed tasks, reclaim stale entries | housekeeping.ts | PROMOTE, CLAIM |
 * | read new entries (blocking, bounded) | read.ts | XREADGROUP |
 * | ack (batched per event-loop turn) | ack.ts | ACK_MANY |
 * | retry | retry.ts | RETRY |
 * | defer: hand an entry of a newer payload version back | defer.ts | RETRY |
 * | dead-letter | dead-letter.ts | DEAD_LETTER |
 * | extend the lease of held entries | extend-lease.ts | EXTEND_LEASE |
 * | hand back fetched, never started entries at shutdown | hand-back.ts | HAND_BACK, HAND_BACK_REST |
 * | count a redelivery that starts (poison check) | record-start.ts | MULTI INCR PEXPIRE |
 * | schedules, rate limits, concurrency cap | policy.ts | policy-scripts.ts |
 *
 * Connections: one command client per provider (scripts, XGROUP, housekeeping), made by `start`
 * once it knows whether Redis is one node or a Cluster (groups.ts), and one blocking client for
 * XREADGROUP BLOCK (state.ts). Acks, retries and dead-letters change nothing when this
 * consumer no longer owns the entry, and resolve `false`.
 */
import type { TaskRegistry } from "../../types.js";
import type { DeadLetterDetails, DeliveredTask, Provider } from "../../worker/provider.js";
import { closeClient } from "../connection.js";
import {
  resolveProviderOptions,
  type RedisProviderOptions,
  type ResolvedProviderOptions,
} from "./options.js";
import { AckBatcher } from "./ack.js";
import { deadLetter } from "./dead-letter.js";
import { defer } from "./defer.js";
import { extendLease } from "./extend-lease.js";
import { fetch } from "./fetch.js";
import { handBack, handBackRest } from "./hand-back.js";
import { redisPolicyStore } from "./policy.js";
import type { PolicyStore } from "../../policy/store.js";
import { start } from "./groups.js";
import { dropBlocking } from "./read.js";
import { recordStart } from "./record-start.js";
import { retry } from "./retry.js";
import { createProviderState, type ProviderState } from "./state.js";

/** A provider of the registry's queues; throws `ConfigError` on bad options. */
export function createRedisProvider(registry: TaskRegistry, options: RedisProviderOptions): Provider {
  return openRedisProvider(registry, resolveProviderOptions(registry, options));
}

/** A provider with options already resolved (the worker resolves its provider knobs itself). */
export function openRedisProvider(registry: TaskRegistry, options: ResolvedProviderOptions): Provider {
  return new RedisProvider(createProviderState(registry, options));
}

class RedisProvider implements Provider {
  readonly consumer: string;
  readonly claimMinIdleMs: number;
  readonly policy: PolicyStore;
  private readonly acks: AckBatcher;

  constructor(private readonly state: ProviderState) {
    this.consumer = state.consumer;
    this.claimMinIdleMs = state.options.claimMinIdleMs;
    this.acks = new AckBatcher(state);
    this.policy = redisPolicyStore(state);
  }

  start(): Promise<void> {
    return start(this.state);
  }

  fetch(max: number, signal: AbortSignal): Promise<DeliveredTask[]> {
    return fetch(this.state, max, signal);
  }

  ack(task: DeliveredTask): Promise<boolean> {
    return this.acks.ack(task);
  }

  retry(task: DeliveredTask, delayMs: number, error: string): Promise<boolean> {
    return retry(this.state, task, delayMs, error);
  }

  defer(task: DeliveredTask, delayMs: number): Promise<boolean> {
    return defer(this.state, task, delayMs);
  }

  deadLetter(task: DeliveredTask, details: DeadLetterDetails): Promise<boolean> {
    return deadLetter(this.state, task, details);
  }

  extendLease(inFlight: readonly DeliveredTask[]): Promise<number> {
    return extendLease(this.state, inFlight);
  }

  handBack(notStarted: readonly DeliveredTask[]): Promise<number> {
    return handBack(this.state, notStarted);
  }

  handBackRest(keep: readonly DeliveredTask[]): Promise<number> {
    return handBackRest(this.state, keep);
  }

  recordStart(task: DeliveredTask): Promise<number> {
    return recordStart(this.state, task);
  }

  async close(): Promise<void> {
    const { state } = this;
    if (state.closed) return;
    state.closed = true;
    dropBlocking(state);
    await state.promoter?.stop();
    if (state.command !== undefined) await closeClient(state.command);
    state.logger.info("provider closed");
  }
}

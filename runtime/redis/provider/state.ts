/**
 * What every step of the Redis provider shares: the resolved options, where Redis is (one node or a
 * Cluster), the command client, the consumed queues with their keys, and the little mutable state
 * of the fetch loop. One object, passed to each transition (one file each beside this one).
 */
import type { Logger } from "pino";
import { ConfigError, RedisError } from "../../errors.js";
import type { QueueDefinition, TaskRegistry } from "../../types.js";
import type { DeliveredTask } from "../../worker/provider.js";
import { explainFailure, replaceOnTimeout, type RedisClient } from "../connection.js";
import type { QueueKeys } from "../keys.js";
import { partitionKeys, partitionStreamName } from "../partitions.js";
import { readGroupsOf } from "../read-groups.js";
import { describeTarget, parseTarget, type ResolvedTarget } from "../target.js";
import type { ResolvedProviderOptions } from "./options.js";

/** One stream consumed: a queue, or one partition of a partitioned queue (partitions.ts). */
export interface QueueState {
  readonly definition: QueueDefinition;
  readonly keys: QueueKeys;
  /** What decodeTask needs: the queue's name, the stream name of derived task ids, the partition. */
  readonly source: { readonly name: string; readonly stream: string; readonly partition: number };
  /** XAUTOCLAIM cursor; wraps to `0-0` by itself. */
  claimCursor: string;
}

export interface ProviderState {
  readonly options: ResolvedProviderOptions;
  readonly consumer: string;
  readonly logger: Logger;
  /** Where Redis is and whether it is a Cluster; known once `start` asked (groups.ts). */
  resolved: ResolvedTarget;
  /**
   * Scripts, XGROUP, housekeeping, acks; made by `start`, before which no other step touches
   * Redis. Use {@link commands}.
   */
  command: RedisClient | undefined;
  /** XREADGROUP BLOCK only; dropped and made again after an aborted or hung read. */
  blocking: RedisClient | undefined;
  /** Every stream consumed: each queue, or each partition of a partitioned queue. */
  readonly queues: readonly QueueState[];
  /** The streams of each queue, by queue name, by partition. */
  readonly byName: ReadonlyMap<string, readonly QueueState[]>;
  readonly byStream: ReadonlyMap<string, QueueState>;
  /** What one XREADGROUP reads: the queues of one group (and, on a Cluster, of one slot). */
  groups: readonly [string, QueueState[]][];
  closed: boolean;
  started: boolean;
  /** Which group the next read starts with, so no group starves another. */
  rotation: number;
  /** Lost-group recoveries so far; a fetch that recovered ends there (never a loop on NOGROUP). */
  recoveries: number;
  /** When the next promotion + reclaim step is due (client clock). */
  nextHousekeepingAt: number;
  /** When the earliest delayed task known falls due (client clock); Infinity when none. */
  nextDueAt: number;
  /**
   * Entries read beyond a fetch's `max` (XREADGROUP's COUNT is per stream; each queue reclaims
   * up to `max`): handed out first by the next fetch, and kept leased by `extendLease`.
   */
  readonly surplus: DeliveredTask[];
}

export function createProviderState(registry: TaskRegistry, options: ResolvedProviderOptions): ProviderState {
  const { consumer } = options;
  const byName = new Map(
    options.queues.map((name): [string, QueueState[]] => {
      const definition = registry.queues[name];
      if (definition === undefined) throw new ConfigError(`queue "${name}" is not in the registry`);
      return [name, partitionStates(definition, options.keyPrefix)];
    }),
  );
  const queues = [...byName.values()].flat();
  const logger = options.logger.child({ component: "redis-provider", consumer });
  return {
    options,
    consumer,
    logger,
    // A malformed `redis` option fails here, before any connection.
    resolved: { urls: parseTarget(options.redis, options.tls).urls, cluster: false },
    command: undefined,
    blocking: undefined,
    queues,
    byName,
    byStream: new Map(queues.map((q) => [q.keys.stream, q])),
    groups: readGroupsOf(queues, false),
    closed: false,
    started: false,
    rotation: 0,
    recoveries: 0,
    nextHousekeepingAt: 0,
    nextDueAt: Number.POSITIVE_INFINITY,
    surplus: [],
  };
}

/** One state per partition of `definition` (one when it is not partitioned). */
function partitionStates(definition: QueueDefinition, keyPrefix: string): QueueState[] {
  return partitionKeys(definition, keyPrefix).map((keys, partition) => ({
    definition,
    keys,
    source: { name: definition.name, stream: partitionStreamName(definition, partition), partition },
    claimCursor: "0-0",
  }));
}

/** The consumed stream (queue, or partition of one) of a delivered task. */
export function queueOf(state: ProviderState, task: DeliveredTask): QueueState {
  const queue = state.byName.get(task.queue)?.[task.partition ?? 0];
  if (queue === undefined)
    throw new ConfigError(
      `task ${task.id} is from queue "${task.queue}", which this provider does not consume`,
    );
  return queue;
}

/** The command client; `start` runs before any step that needs it. */
export function commands(state: ProviderState): RedisClient {
  if (state.command === undefined) throw new ConfigError("the provider is not started; call start() first");
  return state.command;
}

/** Where Redis is, passwords redacted, for logs and errors. */
export function where(state: ProviderState): string {
  return describeTarget(state.resolved);
}

/** A RedisError for a failed command; a timed-out command's connection is replaced. */
export function failure(state: ProviderState, what: string, err: unknown): RedisError {
  replaceOnTimeout(commands(state), err, state.logger);
  return wrap(`${what} on ${where(state)}`, explainFailure(commands(state), err));
}

export function wrap(what: string, err: unknown): RedisError {
  return new RedisError(`${what} failed: ${errorMessage(err)}`, { cause: err });
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(key(item));
    if (list) list.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

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
import { FairnessRound, PRIORITY_LEVELS, type Priority } from "../../policy/priority.js";
import { levelKeys, type QueueKeys } from "../keys.js";
import { partitionCount, partitionKeys, partitionStreamName } from "../partitions.js";
import { readGroupsOf } from "../read-groups.js";
import { describeTarget, parseTarget, type ResolvedTarget } from "../target.js";
import type { ResolvedProviderOptions } from "./options.js";
import type { Promoter } from "./promoter.js";

/**
 * One stream consumed: a queue, one partition of a partitioned queue (partitions.ts), or one
 * priority level of a queue with levels (policy/priority.ts). Each is read, reclaimed, promoted,
 * retried and dead-lettered as a queue of its own, on its own keys.
 */
export interface QueueState {
  readonly definition: QueueDefinition;
  readonly keys: QueueKeys;
  /** The level of a queue with levels; `undefined` for a queue without. */
  readonly level: Priority | undefined;
  /**
   * What decodeTask needs: the queue's name, the stream name of derived task ids, the partition,
   * the level.
   */
  readonly source: {
    readonly name: string;
    readonly stream: string;
    readonly partition: number;
    readonly priority: Priority | undefined;
  };
  /** XAUTOCLAIM cursor; wraps to `0-0` by itself. */
  claimCursor: string;
  /** A backlog of stale entries is being reclaimed: reclaim at every fetch (housekeeping.ts). */
  reclaiming: boolean;
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
  /** Every stream consumed: each queue, or each partition or priority level of one. */
  readonly queues: readonly QueueState[];
  /** The streams of each queue, by queue name, by partition (or by level, highest first). */
  readonly byName: ReadonlyMap<string, readonly QueueState[]>;
  readonly byStream: ReadonlyMap<string, QueueState>;
  /** The consumed queues with priority levels, by name: each level's stream and the weighted round. */
  readonly levelled: ReadonlyMap<
    string,
    { readonly levels: Readonly<Record<Priority, QueueState>>; readonly round: FairnessRound }
  >;
  /** The keys of every stream of the registry, consumed or not: the promoter promotes them all. */
  readonly promoted: readonly QueueKeys[];
  /** Made by `start` (promoter.ts), stopped by `close`. */
  promoter: Promoter | undefined;
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
      return [name, queueStates(definition, options.keyPrefix)];
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
    levelled: levelledQueues(queues, options),
    promoted: Object.values(registry.queues).flatMap((definition) =>
      definition.priorities === true
        ? PRIORITY_LEVELS.map((level) => levelKeys(definition, level, options.keyPrefix))
        : partitionKeys(definition, options.keyPrefix),
    ),
    promoter: undefined,
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

/** One state per partition of `definition` (one when it is not partitioned), or per level. */
function queueStates(definition: QueueDefinition, keyPrefix: string): QueueState[] {
  const { name } = definition;
  if (definition.priorities === true) {
    if (partitionCount(definition) > 1)
      throw new ConfigError(
        `queue "${name}" has both partitions and priority levels, which jobgen does not combine; ` +
          "drop `partitions` or the tasks' `priority`",
      );
    return PRIORITY_LEVELS.map((level) => ({
      definition,
      keys: levelKeys(definition, level, keyPrefix),
      level,
      source: { name, stream: definition.stream, partition: 0, priority: level },
      claimCursor: "0-0",
      reclaiming: false,
    }));
  }
  return partitionKeys(definition, keyPrefix).map((keys, partition) => ({
    definition,
    keys,
    level: undefined,
    source: { name, stream: partitionStreamName(definition, partition), partition, priority: undefined },
    claimCursor: "0-0",
    reclaiming: false,
  }));
}

function levelledQueues(
  queues: readonly QueueState[],
  options: ResolvedProviderOptions,
): ProviderState["levelled"] {
  const levelled = new Map<string, { levels: Record<Priority, QueueState>; round: FairnessRound }>();
  for (const q of queues) {
    if (q.level === undefined) continue;
    const name = q.definition.name;
    let entry = levelled.get(name);
    if (entry === undefined) {
      entry = { levels: {} as Record<Priority, QueueState>, round: new FairnessRound(options.fairness) };
      levelled.set(name, entry);
    }
    entry.levels[q.level] = q;
  }
  return levelled;
}

/** The consumed stream (queue, or partition or level of one) of a delivered task, if consumed. */
export function streamOf(state: ProviderState, task: DeliveredTask): QueueState | undefined {
  const states = state.byName.get(task.queue);
  return task.priority === undefined
    ? states?.[task.partition ?? 0]
    : states?.[PRIORITY_LEVELS.indexOf(task.priority)];
}

/** The consumed stream (queue, or partition or level of one) of a delivered task. */
export function queueOf(state: ProviderState, task: DeliveredTask): QueueState {
  const queue = streamOf(state, task);
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

/**
 * The Redis Streams provider: the only module that talks to Redis (through ioredis clients built
 * by redis-connection.ts). Every state change of a task is one Lua script (scripts.ts).
 *
 * Connections: one command client per provider (scripts, XGROUP, housekeeping) and one dedicated
 * blocking client for XREADGROUP BLOCK. A blocking read never hangs: it is raced against
 * `blockMs + BLOCKING_READ_GRACE_MS` and against the fetch's abort signal; when either wins, the
 * blocking client is dropped and a fresh one is made for the next read. Entries such a dropped
 * read may have been handed stay pending on this consumer and are reclaimed after
 * `claimMinIdleMs` (at least once, never lost).
 *
 * Round trips of one `fetch`: at most every HOUSEKEEPING_INTERVAL_MS (or when a delayed task it
 * knows of falls due) one pipeline promoting due delayed tasks and reclaiming stale entries
 * (XAUTOCLAIM) for every queue; then one XREADGROUP per consumer group (one in the usual case),
 * asking for `min(max, count)` entries and blocking (up to `blockMs`, or until the next known
 * delayed task is due) only when the fetch holds nothing yet. Afterwards: one script call per
 * retry or dead-letter; acks asked for in the same event-loop turn (the tasks of a batch that
 * finished together) share one ACK_MANY call per queue, each entry still ownership-checked. A fetch never returns more than `max`; the surplus of a
 * multi-stream read waits in memory for the next fetch and is leased along with `extendLease`.
 */
import {
  ACK_BATCH_MAX,
  BLOCKING_READ_GRACE_MS,
  HOUSEKEEPING_INTERVAL_MS,
  PROMOTE_BATCH,
} from "../defaults.js";
import { ConfigError, RedisError } from "../errors.js";
import { queueKeys, type QueueKeys } from "./keys.js";
import type { DeadLetterDetails, DeliveredTask, Provider } from "../worker/provider.js";
import {
  closeClient,
  createRedisClient,
  explainFailure,
  replaceOnTimeout,
  type RedisClient,
} from "./connection.js";
import { pipelineBySlot } from "./batch.js";
import { readGroupsOf } from "./read-groups.js";
import { describeTarget, parseTarget, resolveTarget, type ResolvedTarget } from "./target.js";
import type { QueueDefinition, TaskRegistry } from "../types.js";
import {
  resolveProviderOptions,
  type RedisProviderOptions,
  type ResolvedProviderOptions,
} from "./provider-options.js";
import {
  argsToFields,
  bufferArgsToFields,
  deadLetterFields,
  decodeTask,
  fieldsToArgs,
  holdsReplacementChar,
  retryFields,
} from "../wire/codec.js";

/** An ack waiting to be sent with the others of its event-loop turn. */
interface PendingAck {
  readonly entryId: string;
  readonly resolve: (owned: boolean) => void;
  readonly reject: (error: Error) => void;
}

interface QueueState {
  readonly definition: QueueDefinition;
  readonly keys: QueueKeys;
  /** XAUTOCLAIM cursor; wraps to `0-0` by itself. */
  claimCursor: string;
}

/** A provider of the registry's queues; throws `ConfigError` on bad options. */
export function createRedisProvider(registry: TaskRegistry, options: RedisProviderOptions): Provider {
  return openRedisProvider(registry, resolveProviderOptions(registry, options));
}

/** A provider with options already resolved (the worker resolves its provider knobs itself). */
export function openRedisProvider(registry: TaskRegistry, options: ResolvedProviderOptions): Provider {
  const { redis: target, consumer, count, blockMs, claimCount, enableAutoClaim, claimMinIdleMs } = options;
  const queues = resolveQueues(registry, options.queues, options.keyPrefix);
  const logger = options.logger.child({ component: "redis-provider", consumer });
  const commandTimeoutMs = options.commandTimeoutMs;
  /** Where Redis is and whether it is a Cluster; known once {@link start} asked. */
  let resolved: ResolvedTarget = { urls: parseTarget(target, options.tls).urls, cluster: false };
  /** The command client; made by {@link start}, before which no other method touches Redis. */
  let command: RedisClient | undefined;
  const where = () => describeTarget(resolved);

  /** The command client; `start()` runs before any method that needs it. */
  function commands(): RedisClient {
    if (command === undefined) throw new ConfigError("the provider is not started; call start() first");
    return command;
  }

  /** A RedisError for a failed command; a timed-out command's connection is replaced. */
  function failure(what: string, err: unknown): RedisError {
    replaceOnTimeout(commands(), err, logger);
    return wrap(`${what} on ${where()}`, explainFailure(commands(), err));
  }
  let blocking: RedisClient | undefined;
  let closed = false;
  let rotation = 0;
  let started = false;
  /** Lost-group recoveries so far; a fetch that recovered ends there (never a loop on NOGROUP). */
  let recoveries = 0;
  /** When the next promotion + reclaim step is due (client clock). */
  let nextHousekeepingAt = 0;
  /** When the earliest delayed task known falls due (client clock); Infinity when none. */
  let nextDueAt = Number.POSITIVE_INFINITY;
  /**
   * Entries read beyond a fetch's `max` (XREADGROUP's COUNT is per stream; each queue reclaims
   * up to `max`): handed out first by the next fetch, and kept leased by `extendLease`.
   */
  const surplus: DeliveredTask[] = [];

  const byName = new Map(queues.map((q) => [q.definition.name, q]));
  const byStream = new Map(queues.map((q) => [q.keys.stream, q]));
  /** What one XREADGROUP reads: the queues of one group (and, on a Cluster, of one slot). */
  let groups = readGroupsOf(queues, false);

  function queueOf(task: DeliveredTask): QueueState {
    const queue = byName.get(task.queue);
    if (queue === undefined)
      throw new ConfigError(
        `task ${task.id} is from queue "${task.queue}", which this provider does not consume`,
      );
    return queue;
  }

  async function ensureGroups(): Promise<void> {
    await Promise.all(
      queues.map(async (q) => {
        try {
          await commands().xgroup("CREATE", q.keys.stream, q.definition.group, "0", "MKSTREAM");
        } catch (err) {
          if (!errorMessage(err).startsWith("BUSYGROUP"))
            throw failure(`creating group ${q.definition.group} on ${q.keys.stream}`, err);
        }
      }),
    );
  }

  /** NOGROUP: Redis lost the stream or its group (restart without persistence, FLUSHALL, DEL). */
  async function recoverLostGroups(err: unknown): Promise<void> {
    recoveries++;
    logger.error(
      { err, streams: queues.map((q) => q.keys.stream) },
      "consumer group missing: Redis lost queue state (restart without persistence, FLUSHALL or a deleted stream); " +
        "recreating the groups from 0 — tasks that were in the stream or pending are gone unless Redis restored them",
    );
    await ensureGroups();
  }

  /** Promotes due delayed tasks and reclaims stale entries, for every queue, in one round trip. */
  async function housekeeping(max: number): Promise<DeliveredTask[]> {
    const replies = await pipelineBySlot(
      commands(),
      queues,
      (q) => q.keys.stream,
      (pipeline, q) => {
        pipeline.jobgenPromote(q.keys.delayed, q.keys.stream, PROMOTE_BATCH);
        if (enableAutoClaim) {
          pipeline.jobgenClaimBuffer(
            q.keys.stream,
            q.definition.group,
            consumer,
            claimMinIdleMs,
            q.claimCursor,
            Math.min(max, claimCount),
          );
        }
      },
    ).catch((err: unknown) => {
      throw failure("promoting and reclaiming", err);
    });
    const claimed: DeliveredTask[] = [];
    let lostGroup: unknown;
    let failed: RedisError | undefined;
    const now = Date.now();
    nextHousekeepingAt = now + HOUSEKEEPING_INTERVAL_MS;
    nextDueAt = Number.POSITIVE_INFINITY;
    const perQueue = enableAutoClaim ? 2 : 1;
    queues.forEach((q, i) => {
      for (let k = 0; k < perQueue; k++) {
        const [err, reply] = replies[i * perQueue + k] ?? [new Error("no reply"), null];
        if (err) {
          if (errorMessage(err).includes("NOGROUP")) lostGroup = err;
          else failed ??= failure(`${k === 0 ? "promoting into" : "reclaiming from"} ${q.keys.stream}`, err);
          continue;
        }
        if (k === 0) {
          const [, msUntilNext] = reply as [number, number];
          if (msUntilNext >= 0) nextDueAt = Math.min(nextDueAt, now + msUntilNext);
        } else {
          const [cursor, entries] = reply as [Buffer, [Buffer, Buffer[], number][]];
          q.claimCursor = cursor.toString();
          for (const [entryId, pairs, deliveries] of entries) {
            const { fields, invalidUtf8 } = bufferArgsToFields(pairs);
            claimed.push(
              decodeTask(q.definition, entryId.toString(), fields, Number(deliveries), invalidUtf8),
            );
          }
        }
      }
    });
    nextHousekeepingAt = Math.min(nextHousekeepingAt, nextDueAt);
    if (lostGroup !== undefined) await recoverLostGroups(lostGroup);
    // Entries reclaimed from one queue are handed out even when another queue's step failed.
    if (failed && claimed.length === 0) throw failed;
    if (failed) logger.warn({ err: failed }, "promotion or reclaim failed on a queue");
    if (claimed.length > 0)
      logger.info({ count: claimed.length }, "reclaimed stale entries from dead consumers");
    return claimed;
  }

  function dropBlocking(): void {
    blocking?.disconnect();
    blocking = undefined;
  }

  /**
   * One XREADGROUP on the blocking client (`block` 0: do not block), bounded by the signal and
   * by a guard against a read that never returns.
   */
  async function readGroup(
    group: string,
    members: readonly QueueState[],
    n: number,
    block: number,
    signal: AbortSignal,
  ) {
    blocking ??= createRedisClient(resolved, "blocking", consumer, logger, { tls: options.tls });
    const client = blocking;
    const streams = members.map((q) => q.keys.stream);
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stop = new Promise<"aborted" | "hung">((resolve) => {
      timer = setTimeout(() => resolve("hung"), block + BLOCKING_READ_GRACE_MS);
      onAbort = () => resolve("aborted");
      signal.addEventListener("abort", onAbort, { once: true });
    });
    const blockArgs = block > 0 ? ["BLOCK", block] : [];
    // As text (one string per value); entries whose text holds U+FFFD are read again as bytes.
    const read = client.call("XREADGROUP", [
      "GROUP",
      group,
      consumer,
      "COUNT",
      n,
      ...blockArgs,
      "STREAMS",
      ...streams,
      ...streams.map(() => ">"),
    ]);
    read.catch(() => undefined); // a dropped read rejects after the race is decided
    try {
      const outcome = await Promise.race([read, stop]);
      if (outcome === "aborted" || outcome === "hung") {
        if (outcome === "hung")
          logger.warn(
            { blockMs: block, group },
            "blocking read did not return in time; replacing its connection",
          );
        if (client === blocking) dropBlocking();
        return [];
      }
      return (outcome ?? []) as [string, [string, string[] | null][]][];
    } finally {
      clearTimeout(timer);
      if (onAbort) signal.removeEventListener("abort", onAbort);
    }
  }

  /** New entries (`>`), blocking up to `waitMs` (0: not at all), or until a known delayed task is due. */
  async function readNew(max: number, waitMs: number, signal: AbortSignal): Promise<DeliveredTask[]> {
    const n = Math.min(max, count);
    const untilDue = Math.max(1, Math.ceil(nextDueAt - Date.now()));
    const block = waitMs > 0 ? Math.min(Math.ceil(waitMs / groups.length), untilDue) : 0;
    for (let i = 0; i < groups.length && !signal.aborted && !closed; i++) {
      const [group, members] = groups[(rotation + i) % groups.length] ?? ["", []];
      let reply: [string, [string, string[] | null][]][];
      try {
        reply = await readGroup(group, members, n, block, signal);
      } catch (err) {
        if (closed || signal.aborted) return [];
        if (errorMessage(err).includes("NOGROUP")) {
          await recoverLostGroups(err);
          return [];
        }
        throw wrap(`reading group ${group} on ${where()}`, err);
      }
      const tasks: DeliveredTask[] = [];
      const suspects: DeliveredTask[] = [];
      for (const [stream, entries] of reply) {
        const queue = byStream.get(stream)?.definition ?? { name: stream, stream };
        for (const [entryId, pairs] of entries) {
          const task = decodeTask(queue, entryId, argsToFields(pairs ?? []), 1);
          if (holdsReplacementChar(pairs ?? [])) suspects.push(task);
          else tasks.push(task);
        }
      }
      if (suspects.length > 0) tasks.push(...(await strictlyDecoded(suspects)));
      if (tasks.length > 0) {
        rotation = (rotation + i + 1) % groups.length;
        return tasks;
      }
    }
    return [];
  }

  /**
   * Entries whose text held U+FFFD, read again as bytes and decoded strictly (wire.ts
   * bufferArgsToFields): invalid UTF-8 is named in `invalidUtf8Fields` (the worker rejects the
   * entry), a real U+FFFD stays text. An entry gone meanwhile cannot tell: every field holding
   * U+FFFD counts as invalid. When the second read fails, the entries are left out, pending on
   * this consumer, to be reclaimed later; the rest of the fetch is handed out.
   */
  async function strictlyDecoded(suspects: readonly DeliveredTask[]): Promise<DeliveredTask[]> {
    let replies: [Error | null, unknown][];
    try {
      replies = await pipelineBySlot(
        commands(),
        suspects,
        (task) => queueOf(task).keys.stream,
        (pipeline, task) => pipeline.xrangeBuffer(queueOf(task).keys.stream, task.entryId, task.entryId),
      );
    } catch (err) {
      logger.warn({ err, count: suspects.length }, "could not read entries again as bytes; left pending");
      return [];
    }
    const decoded: DeliveredTask[] = [];
    suspects.forEach((task, k) => {
      const [err, entries] = replies[k] ?? [new Error("no reply"), null];
      if (err) {
        logger.warn({ err, entryId: task.entryId }, "could not read an entry again as bytes; left pending");
        return;
      }
      const [entry] = entries as [Buffer, Buffer[]][];
      if (entry === undefined) {
        const unreadable = Object.keys(task.fields).filter((name) => task.fields[name]?.includes("\uFFFD"));
        decoded.push({ ...task, invalidUtf8Fields: unreadable });
        return;
      }
      const { fields, invalidUtf8 } = bufferArgsToFields(entry[1]);
      decoded.push(
        decodeTask(queueOf(task).definition, task.entryId, fields, task.deliveryCount, invalidUtf8),
      );
    });
    return decoded;
  }

  /** Acks asked for in this event-loop turn, by queue; sent together by {@link flushAcks}. */
  const acksWaiting = new Map<QueueState, PendingAck[]>();
  let ackFlushScheduled = false;

  /** One ACK_MANY call per queue (per ACK_BATCH_MAX acks); each ack learns its own outcome. */
  function flushAcks(): void {
    ackFlushScheduled = false;
    for (const [q, waiting] of acksWaiting) {
      acksWaiting.delete(q);
      for (let start = 0; start < waiting.length; start += ACK_BATCH_MAX) {
        const batch = waiting.slice(start, start + ACK_BATCH_MAX);
        const ids = batch.map((a) => a.entryId);
        const [lowest, highest] = streamIdRange(ids);
        commands()
          .jobgenAckMany(q.keys.stream, q.definition.group, consumer, lowest, highest, ...ids)
          .then(
            (owned) => batch.forEach((a, i) => a.resolve(owned[i] === 1)),
            (err: unknown) => {
              const error = failure(`acking ${batch.length} entries of ${q.keys.stream}`, err);
              for (const a of batch) a.reject(error);
            },
          );
      }
    }
  }

  async function start(): Promise<void> {
    logger.info(
      { queues: queues.map((q) => q.definition.name), redis: where(), claimMinIdleMs },
      "provider starting",
    );
    if (command === undefined) {
      resolved = await resolveTarget(target, options.tls).catch((err: unknown) => {
        throw wrap(`connecting to ${where()}`, err);
      });
      groups = readGroupsOf(queues, resolved.cluster);
      command = createRedisClient(resolved, "command", consumer, logger, {
        commandTimeoutMs,
        tls: options.tls,
      });
    }
    await ensureGroups();
    started = true;
  }

  return {
    consumer,
    claimMinIdleMs,

    start,

    async fetch(max, signal) {
      if (closed || signal.aborted || max <= 0) return [];
      if (!started) await start();
      const tasks = surplus.splice(0, max);
      const deadline = Date.now() + blockMs;
      const recoveriesBefore = recoveries;
      try {
        // Until something came or the block time is over: a read cut short because a delayed
        // task fell due loops back to promote it, so an empty fetch always took blockMs.
        do {
          if (tasks.length < max && Date.now() >= nextHousekeepingAt) {
            tasks.push(...(await housekeeping(max - tasks.length)));
          }
          if (tasks.length < max && !signal.aborted && !closed) {
            const waitMs = tasks.length === 0 ? deadline - Date.now() : 0;
            tasks.push(...(await readNew(max - tasks.length, waitMs, signal)));
          }
        } while (
          tasks.length === 0 &&
          Date.now() < deadline &&
          recoveries === recoveriesBefore &&
          !signal.aborted &&
          !closed
        );
      } catch (err) {
        if (tasks.length === 0) throw err;
        logger.warn({ err }, "fetch failed part way; returning the tasks it already holds");
      }
      surplus.push(...tasks.splice(max));
      return tasks;
    },

    ack(task) {
      const q = queueOf(task);
      return new Promise<boolean>((resolve, reject) => {
        const waiting = acksWaiting.get(q);
        if (waiting) waiting.push({ entryId: task.entryId, resolve, reject });
        else acksWaiting.set(q, [{ entryId: task.entryId, resolve, reject }]);
        if (!ackFlushScheduled) {
          ackFlushScheduled = true;
          setImmediate(flushAcks);
        }
      });
    },

    async retry(task, delayMs, error) {
      const q = queueOf(task);
      const member = JSON.stringify(retryFields(task, error));
      const done = await commands()
        .jobgenRetry(
          q.keys.stream,
          q.keys.delayed,
          q.definition.group,
          consumer,
          task.entryId,
          Math.max(0, Math.round(delayMs)),
          member,
        )
        .catch((err: unknown) => {
          throw failure(`scheduling a retry of ${task.entryId}`, err);
        });
      return done === 1;
    },

    async deadLetter(task, details: DeadLetterDetails) {
      const q = queueOf(task);
      const record = fieldsToArgs(deadLetterFields(task, details, consumer, new Date()));
      const done = await commands()
        .jobgenDeadLetter(q.keys.stream, q.keys.dlq, q.definition.group, consumer, task.entryId, ...record)
        .catch((err: unknown) => {
          throw failure(`dead-lettering ${task.entryId}`, err);
        });
      return done === 1;
    },

    async extendLease(inFlight) {
      const tasks = [...inFlight, ...surplus];
      if (tasks.length === 0) return 0;
      const perQueue = [...groupBy(tasks, (t) => t.queue)].flatMap(([name, owned]) => {
        const q = byName.get(name);
        return q ? [{ q, owned }] : [];
      });
      const replies = await pipelineBySlot(
        commands(),
        perQueue,
        ({ q }) => q.keys.stream,
        (pipeline, { q, owned }) =>
          pipeline.jobgenExtendLease(
            q.keys.stream,
            q.definition.group,
            consumer,
            ...owned.map((t) => t.entryId),
          ),
      ).catch((err: unknown) => {
        throw failure("extending leases", err);
      });
      let extended = 0;
      for (const [err, n] of replies) {
        if (err) throw failure("extending leases", err);
        extended += Number(n);
      }
      return extended;
    },

    async close() {
      if (closed) return;
      closed = true;
      dropBlocking();
      if (command !== undefined) await closeClient(command);
      logger.info("provider closed");
    },
  };
}

function resolveQueues(registry: TaskRegistry, names: readonly string[], keyPrefix: string): QueueState[] {
  return names.map((name) => {
    const definition = registry.queues[name];
    if (definition === undefined) throw new ConfigError(`queue "${name}" is not in the registry`);
    return { definition, keys: queueKeys(definition, keyPrefix), claimCursor: "0-0" };
  });
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function wrap(what: string, err: unknown): RedisError {
  return new RedisError(`${what} failed: ${errorMessage(err)}`, { cause: err });
}

/** The lowest and highest of stream entry ids (`<ms>-<seq>`), in stream order. */
function streamIdRange(ids: readonly string[]): [string, string] {
  let lowest = ids[0] ?? "-";
  let highest = lowest;
  for (const id of ids) {
    if (compareStreamIds(id, lowest) < 0) lowest = id;
    if (compareStreamIds(id, highest) > 0) highest = id;
  }
  return [lowest, highest];
}

/** Stream order of two entry ids (`<ms>-<seq>`, decimal without leading zeros), without allocating. */
function compareStreamIds(a: string, b: string): number {
  const aDash = a.indexOf("-");
  const bDash = b.indexOf("-");
  if (aDash !== bDash) return aDash - bDash; // fewer digits: a smaller time
  for (let i = 0; i < aDash; i++) {
    const diff = a.charCodeAt(i) - b.charCodeAt(i);
    if (diff !== 0) return diff;
  }
  if (a.length !== b.length) return a.length - b.length; // same time: fewer digits, smaller sequence
  return a < b ? -1 : a > b ? 1 : 0;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(key(item));
    if (list) list.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

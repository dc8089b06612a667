/**
 * The Redis side of the admin API (runtime/admin/): the reads and writes behind `jobgen stats` and
 * `jobgen dlq`, over one fail-fast client (admin-client.ts) of one Redis or a Redis Cluster. Keys
 * come from keys.ts (a queue's keys share one hash slot, so each operation's pipeline or MULTI is
 * served by one node); the one write that must be atomic, moving a DLQ entry back to its stream, is
 * the REPLAY script.
 */
import { RedisError } from "../errors.js";
import type { RedisTarget } from "../types.js";
import { createAdminClient } from "./admin-client.js";
import { closeClient, type RedisClient } from "./connection.js";
import { connectionProblem } from "./connection-problem.js";
import type { QueueKeys } from "./keys.js";
import { REPLAY } from "./scripts.js";
import { describeTarget, parseTarget, resolveTarget } from "./target.js";

/** One consumer of a queue's group. */
export interface ConsumerStats {
  readonly name: string;
  /** Entries delivered to it and not yet acked. */
  readonly pending: number;
  /** Milliseconds since its last attempted interaction (read, claim, ack). */
  readonly idleMs: number;
}

/** The counts of one queue's keys. */
export interface QueueCounts {
  /** Entries in the stream (XLEN). */
  readonly length: number;
  /** Entries delivered to a consumer and not yet acked (XPENDING). */
  readonly pending: number;
  /** Tasks waiting in the delayed set (retries and delayed enqueues). */
  readonly delayed: number;
  /** Entries in the dead-letter stream. */
  readonly deadLetters: number;
  /** Entries not yet delivered to the group (XINFO GROUPS `lag`); `null` when Redis cannot tell. */
  readonly lag: number | null;
  /**
   * Entries the group has read so far (XINFO GROUPS `entries-read`): its rate is the queue's
   * throughput. `null` when Redis cannot tell.
   */
  readonly delivered: number | null;
  /** `false` while no worker has created the consumer group yet. */
  readonly groupExists: boolean;
  readonly consumers: readonly ConsumerStats[];
}

/** A stream entry as read: its id and its flat `[field, value, ...]` list. */
export type RawEntry = [entryId: string, fields: string[]];

/** The admin API's Redis operations. Every method connects first (once). */
export interface AdminStore {
  /** Connects (once; later calls wait for the same connection); throws {@link RedisError} naming the URL. */
  connect(): Promise<void>;
  /** Checks that Redis answers; throws {@link RedisError} naming the URL otherwise. */
  ping(): Promise<void>;
  /** Length, pending, delayed, DLQ size, consumers and lag of one queue, in one round trip. */
  queueCounts(keys: QueueKeys, group: string): Promise<QueueCounts>;
  /** Up to `count` entries of a DLQ from `start` (an XRANGE bound: `-`, an id, or `(<id>`). */
  readDeadLetters(dlq: string, start: string, count: number): Promise<RawEntry[]>;
  /** One DLQ entry by id. */
  readDeadLetter(dlq: string, entryId: string): Promise<RawEntry | undefined>;
  /** Atomically: write `fields` as a new entry of `stream` and delete the DLQ entry; `false` when it is gone. */
  replayDeadLetter(dlq: string, stream: string, entryId: string, fields: readonly string[]): Promise<boolean>;
  /** Deletes a whole DLQ; returns how many entries it held. */
  deleteDeadLetterStream(dlq: string): Promise<number>;
  /** Deletes these entries of a DLQ; returns how many were there. */
  deleteDeadLetters(dlq: string, entryIds: readonly string[]): Promise<number>;
  /** The last enqueued tick (ms) of each schedule of a queue, from its schedule state hash. */
  lastTicks(schedules: string): Promise<Record<string, string>>;
  /** Of a capped task type: slots held (leases not yet expired) and tasks parked for a slot. */
  slotCounts(running: string, parked: readonly string[]): Promise<{ running: number; parked: number }>;
  close(): Promise<void>;
}

/** A store for `target`; a malformed target throws a ConfigError here, before any connection. */
export function createAdminStore(target: RedisTarget, connectTimeoutMs: number): AdminStore {
  parseTarget(target);
  const where = describeTarget(target);
  let redis: RedisClient | undefined;
  // Connection errors are reported through the rejected connect (see connected()), naming the
  // socket's own error rather than ioredis' "Connection is closed."; an unhandled 'error' would crash.
  let lastConnectionError: Error | undefined;

  async function connect(): Promise<RedisClient> {
    const client = createAdminClient(
      await resolveTarget(target, undefined, connectTimeoutMs),
      connectTimeoutMs,
    );
    redis = client;
    client.on("error", (error: Error) => {
      lastConnectionError = error;
    });
    client.defineCommand("jobgenReplay", { numberOfKeys: 2, lua: REPLAY });
    await client.connect();
    return client;
  }

  let connecting: Promise<RedisClient> | undefined;
  function connected(): Promise<RedisClient> {
    connecting ??= connect().catch((cause: unknown) => {
      const reason =
        lastConnectionError === undefined
          ? cause instanceof Error
            ? cause.message
            : String(cause)
          : connectionProblem(lastConnectionError);
      throw new RedisError(
        `cannot reach Redis at ${where} (${reason}); start Redis there, ` +
          `or point jobgen at yours with --redis <url> or REDIS_URL`,
        { cause },
      );
    });
    return connecting;
  }

  return {
    async connect() {
      await connected();
    },

    async ping() {
      await (await connected()).ping();
    },

    async queueCounts(keys, group) {
      const results = await (
        await connected()
      )
        .pipeline()
        .xlen(keys.stream)
        .zcard(keys.delayed)
        .xlen(keys.dlq)
        .xpending(keys.stream, group)
        .xinfo("GROUPS", keys.stream)
        .xinfo("CONSUMERS", keys.stream, group)
        .exec();
      const value = (i: number): unknown => {
        const [error, result] = results?.[i] ?? [null, undefined];
        return error ? undefined : result;
      };
      const summary = value(3);
      const found = asArray(value(4))
        .map((g) => pairs(g))
        .find((g) => g.name === group);
      const lag = found?.lag;
      const delivered = found?.["entries-read"];
      return {
        length: Number(value(0) ?? 0),
        delayed: Number(value(1) ?? 0),
        deadLetters: Number(value(2) ?? 0),
        pending: Array.isArray(summary) ? Number(summary[0] ?? 0) : 0,
        lag: lag === undefined || lag === null ? null : Number(lag),
        delivered: delivered === undefined || delivered === null ? null : Number(delivered),
        groupExists: found !== undefined,
        consumers: asArray(value(5))
          .map((c) => pairs(c))
          .map((c) => ({
            name: String(c.name),
            pending: Number(c.pending ?? 0),
            idleMs: Number(c.idle ?? 0),
          }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      };
    },

    async readDeadLetters(dlq, start, count) {
      return (await connected()).xrange(dlq, start, "+", "COUNT", count);
    },

    async readDeadLetter(dlq, entryId) {
      const [found] = await (await connected()).xrange(dlq, entryId, entryId);
      return found;
    },

    async replayDeadLetter(dlq, stream, entryId, fields) {
      return (await (await connected()).jobgenReplay(dlq, stream, entryId, ...fields)) !== null;
    },

    async deleteDeadLetterStream(dlq) {
      const result = await (await connected()).multi().xlen(dlq).del(dlq).exec();
      return Number(result?.[0]?.[1] ?? 0);
    },

    async deleteDeadLetters(dlq, entryIds) {
      return (await connected()).xdel(dlq, ...entryIds);
    },

    async lastTicks(schedules) {
      return (await connected()).hgetall(schedules);
    },

    async slotCounts(running, parked) {
      const client = await connected();
      const [held, ...waiting] = await Promise.all([
        client.zcount(running, `(${Date.now()}`, "+inf"),
        ...parked.map((list) => client.llen(list)),
      ]);
      return { running: held, parked: waiting.reduce((sum, n) => sum + n, 0) };
    },

    async close() {
      if (redis !== undefined) await closeClient(redis);
    },
  };
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A flat `[name, value, name, value, ...]` reply as an object. */
function pairs(value: unknown): Record<string, unknown> {
  const list = asArray(value);
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[String(list[i])] = list[i + 1];
  return out;
}

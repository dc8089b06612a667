/**
 * Queue inspection and dead-letter operations, as `jobgen stats` and `jobgen dlq` use them.
 * Reads the same keys as the worker (built by keys.ts) and moves DLQ entries back to their
 * stream in one atomic step per entry.
 */
import type { ClientContext, Result } from "ioredis";
import { RedisError, toValidationIssues, type ValidationIssue } from "../errors.js";
import { queueKeys, type QueueKeys } from "../redis/keys.js";
import { DEFAULT_DLQ_PAGE_SIZE, defaultRedisUrl } from "../defaults.js";
import { redactPayload } from "../observe/redact.js";
import { createAdminClient } from "../redis/admin-client.js";
import type { RedisClient } from "../redis/connection.js";
import { describeTarget, parseTarget, resolveTarget } from "../redis/target.js";
import { argsToFields } from "../wire/codec.js";
import { unsafeIntegerIssues } from "../wire/exact-integers.js";
import type { QueueDefinition, RedisTarget, TaskDefinition, TaskRegistry } from "../types.js";

/** Options of {@link createAdmin}. */
export interface AdminOptions {
  /**
   * `redis://` or `rediss://` URL, or a Redis Cluster (see {@link RedisTarget}).
   * @defaultValue `process.env.REDIS_URL ?? "redis://127.0.0.1:6379"`
   */
  readonly redis?: RedisTarget | undefined;
  /** Prefix of every key jobgen reads and writes. @defaultValue `""` */
  readonly keyPrefix?: string | undefined;
  /** How long to wait for Redis to answer the first time. @defaultValue {@link DEFAULT_ADMIN_CONNECT_TIMEOUT_MS} */
  readonly connectTimeoutMs?: number | undefined;
}

/** Connect timeout of the admin connection: 3s, so a CLI with a wrong URL fails fast. */
export const DEFAULT_ADMIN_CONNECT_TIMEOUT_MS = 3_000;

/** A stream entry id: `<ms>-<seq>`. */
const ENTRY_ID = /^\d+-\d+$/;

/** Entries read from a DLQ stream per round trip while filtering, replaying or purging. */
const DLQ_SCAN_BATCH = 500;

/** One consumer of a queue's group. */
export interface ConsumerStats {
  readonly name: string;
  /** Entries delivered to it and not yet acked. */
  readonly pending: number;
  /** Milliseconds since its last attempted interaction (read, claim, ack). */
  readonly idleMs: number;
}

/** What `stats` reports for one queue. */
export interface QueueStats {
  readonly queue: string;
  /** Stream key (with the key prefix). */
  readonly stream: string;
  readonly group: string;
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
  /** `false` while no worker has created the consumer group yet. */
  readonly groupExists: boolean;
  readonly consumers: readonly ConsumerStats[];
}

/** Which DLQ entries an operation applies to; absent fields match everything. */
export interface DeadLetterFilter {
  /** Queue name (a key of the registry's queues). */
  readonly queue?: string | undefined;
  /** Task type (wire name). */
  readonly type?: string | undefined;
  /** DLQ reason, e.g. `validation` or `max_retries`. */
  readonly reason?: string | undefined;
}

/** One DLQ entry as `dlq list` and `dlq show` present it. */
export interface DeadLetterEntry {
  /** `<queue>/<dlq entry id>`: what `dlq show` and cursors take. */
  readonly ref: string;
  readonly queue: string;
  /** Entry id in the dead-letter stream. */
  readonly entryId: string;
  /** Stable task id, when the entry carries one. */
  readonly taskId: string | undefined;
  readonly type: string | undefined;
  readonly reason: string;
  readonly error: string;
  /** `dlq_details` parsed (validation issues, ...); the raw text when it is not JSON. */
  readonly details: unknown;
  /** When it was dead-lettered (RFC 3339), as recorded. */
  readonly deadLetteredAt: string | undefined;
  /** Retries done before it was dead-lettered. */
  readonly retries: number;
  /** Every field of the entry as stored (the payload field redacted in {@link Admin.showDeadLetter}). */
  readonly fields: Readonly<Record<string, string>>;
}

/** A DLQ entry with its payload, sensitive fields redacted. */
export interface DeadLetterView extends DeadLetterEntry {
  /** The payload parsed and redacted; `undefined` when it is missing or not JSON. */
  readonly payload: unknown;
}

/** One page of `listDeadLetters`. */
export interface DeadLetterPage {
  readonly entries: readonly DeadLetterEntry[];
  /** Pass as `cursor` for the next page; `null` at the end. */
  readonly nextCursor: string | null;
}

/** An entry `replayDeadLetters` left in the DLQ, and why. */
export interface RefusedReplay {
  readonly ref: string;
  readonly type: string | undefined;
  readonly message: string;
  /** The validation issues against the current schema, when that was the reason. */
  readonly issues: readonly ValidationIssue[];
}

/** Progress of a replay, reported after each entry. */
export interface ReplayProgress {
  /** Entries looked at so far. */
  readonly seen: number;
  readonly replayed: number;
  readonly refused: number;
}

/** The result of `replayDeadLetters`. */
export interface ReplayReport extends ReplayProgress {
  readonly refusals: readonly RefusedReplay[];
}

/** Queue inspection and DLQ operations over one Redis connection. */
export interface Admin {
  /** Per queue of the registry: length, pending, delayed, DLQ size, consumers, lag. */
  stats(): Promise<QueueStats[]>;
  /** DLQ entries matching `filter`, oldest first, `count` at a time from `cursor`. */
  listDeadLetters(
    filter?: DeadLetterFilter,
    page?: { readonly count?: number; readonly cursor?: string | null },
  ): Promise<DeadLetterPage>;
  /** One entry by `<queue>/<id>` (or a bare id, searched in every DLQ), payload redacted. */
  showDeadLetter(ref: string): Promise<DeadLetterView | undefined>;
  /**
   * Moves matching entries back to their task's stream with the retry count reset, each in one
   * atomic step, after re-validating the payload against the registry; entries still invalid (or of
   * a type the registry no longer has) stay in the DLQ and are listed in `refusals`.
   */
  replayDeadLetters(
    filter?: DeadLetterFilter & { readonly ref?: string },
    onProgress?: (progress: ReplayProgress) => void,
  ): Promise<ReplayReport>;
  /** Deletes matching entries; returns how many. */
  purgeDeadLetters(filter?: DeadLetterFilter): Promise<number>;
  /** Checks that Redis answers; throws {@link RedisError} naming the URL otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Replays one DLQ entry.
 * KEYS[1] dead-letter stream, KEYS[2] task stream
 * ARGV[1] DLQ entry id; ARGV[2..] field, value, ... of the task entry to write
 * Returns the new stream entry id, or false when the DLQ entry is gone (replayed or purged meanwhile).
 */
const REPLAY_SCRIPT = `
if #redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1]) == 0 then return false end
local id = redis.call('XADD', KEYS[2], '*', unpack(ARGV, 2))
redis.call('XDEL', KEYS[1], ARGV[1])
return id
`;

export function createAdmin(registry: TaskRegistry, options: AdminOptions = {}): Admin {
  const target = options.redis ?? defaultRedisUrl();
  parseTarget(target); // a malformed option fails here
  const url = describeTarget(target);
  const keyPrefix = options.keyPrefix ?? "";
  let redis: RedisClient | undefined;
  // Connection errors are reported through the rejected connect (see connected()), naming the
  // socket's own error rather than ioredis' "Connection is closed."; an unhandled 'error' would crash.
  let lastConnectionError: Error | undefined;
  async function connect(): Promise<RedisClient> {
    const timeoutMs = options.connectTimeoutMs ?? DEFAULT_ADMIN_CONNECT_TIMEOUT_MS;
    const client = createAdminClient(await resolveTarget(target, undefined, timeoutMs), timeoutMs);
    redis = client;
    client.on("error", (error: Error) => {
      lastConnectionError = error;
    });
    client.defineCommand("jobgenReplay", { numberOfKeys: 2, lua: REPLAY_SCRIPT });
    await client.connect();
    return client;
  }
  const queues = Object.values(registry.queues).sort((a, b) => a.name.localeCompare(b.name));
  const keysOf = (queue: QueueDefinition): QueueKeys => queueKeys(queue, keyPrefix);

  let connecting: Promise<RedisClient> | undefined;
  function connected(): Promise<RedisClient> {
    connecting ??= connect().catch((cause: unknown) => {
      const reason = lastConnectionError?.message ?? (cause instanceof Error ? cause.message : String(cause));
      throw new RedisError(
        `cannot reach Redis at ${url} (${reason}); start Redis there, ` +
          `or point jobgen at yours with --redis <url> or REDIS_URL`,
        { cause },
      );
    });
    return connecting;
  }

  function queueNamed(name: string): QueueDefinition {
    const queue = Object.hasOwn(registry.queues, name) ? registry.queues[name] : undefined;
    if (queue === undefined) {
      const known = queues.map((q) => q.name).join(", ");
      throw new RangeError(`unknown queue "${name}"; the schema has: ${known}`);
    }
    return queue;
  }

  /** The registry's task of that wire name (own keys only: a DLQ entry's type is data). */
  function taskNamed(type: string | undefined): TaskDefinition | undefined {
    return type !== undefined && Object.hasOwn(registry.tasks, type) ? registry.tasks[type] : undefined;
  }

  function toEntry(queue: QueueDefinition, entryId: string, raw: readonly string[]): DeadLetterEntry {
    const fields = argsToFields(raw);
    const detailsText = fields[DEAD_LETTER_FIELDS.details];
    let details: unknown = detailsText;
    if (detailsText !== undefined) {
      try {
        details = JSON.parse(detailsText);
      } catch {
        // Not JSON: keep the text as written.
      }
    }
    return {
      ref: `${queue.name}/${entryId}`,
      queue: queue.name,
      entryId,
      taskId: fields.id,
      type: fields.type,
      reason: fields[DEAD_LETTER_FIELDS.reason] ?? "unknown",
      error: fields[DEAD_LETTER_FIELDS.error] ?? "",
      details,
      deadLetteredAt: fields[DEAD_LETTER_FIELDS.at],
      retries: Number(fields.retry ?? 0) || 0,
      fields,
    };
  }

  /** Matching entries of every selected DLQ, oldest first per queue, starting after `cursor`. */
  async function* scan(filter: DeadLetterFilter, cursor?: string | null): AsyncGenerator<DeadLetterEntry> {
    const client = await connected();
    const selected = filter.queue === undefined ? queues : [queueNamed(filter.queue)];
    const after = cursor ? parseRef(cursor) : undefined;
    let started = after === undefined;
    for (const queue of selected) {
      if (!started && queue.name !== after?.queue) continue;
      let start = !started && after !== undefined ? `(${after.entryId}` : "-";
      started = true;
      for (;;) {
        const batch = await client.xrange(keysOf(queue).dlq, start, "+", "COUNT", DLQ_SCAN_BATCH);
        for (const [entryId, raw] of batch) {
          const entry = toEntry(queue, entryId, raw);
          if (matches(entry, filter)) yield entry;
        }
        const last = batch.at(-1);
        if (last === undefined || batch.length < DLQ_SCAN_BATCH) break;
        start = `(${last[0]}`;
      }
    }
  }

  function parseRef(ref: string): { queue: string; entryId: string } {
    const slash = ref.lastIndexOf("/");
    if (slash <= 0 || !ENTRY_ID.test(ref.slice(slash + 1))) {
      throw new RangeError(
        `"${ref}" is not a DLQ entry reference; expected <queue>/<entry id>, e.g. default/1700000000000-0`,
      );
    }
    const queue = ref.slice(0, slash);
    queueNamed(queue);
    return { queue, entryId: ref.slice(slash + 1) };
  }

  async function findEntry(ref: string): Promise<DeadLetterEntry | undefined> {
    const client = await connected();
    const parsed = ENTRY_ID.test(ref) ? undefined : parseRef(ref);
    const candidates =
      parsed === undefined
        ? queues.map((queue) => ({ queue, entryId: ref }))
        : [{ queue: queueNamed(parsed.queue), entryId: parsed.entryId }];
    for (const { queue, entryId } of candidates) {
      const [found] = await client.xrange(keysOf(queue).dlq, entryId, entryId);
      if (found !== undefined) return toEntry(queue, found[0], found[1]);
    }
    return undefined;
  }

  async function queueStats(client: RedisClient, queue: QueueDefinition): Promise<QueueStats> {
    const keys = keysOf(queue);
    const results = await client
      .pipeline()
      .xlen(keys.stream)
      .zcard(keys.delayed)
      .xlen(keys.dlq)
      .xpending(keys.stream, queue.group)
      .xinfo("GROUPS", keys.stream)
      .xinfo("CONSUMERS", keys.stream, queue.group)
      .exec();
    const value = (i: number): unknown => {
      const [error, result] = results?.[i] ?? [null, undefined];
      return error ? undefined : result;
    };
    const summary = value(3);
    const group = asArray(value(4))
      .map((g) => pairs(g))
      .find((g) => g.name === queue.group);
    const lag = group?.lag;
    return {
      queue: queue.name,
      stream: keys.stream,
      group: queue.group,
      length: Number(value(0) ?? 0),
      delayed: Number(value(1) ?? 0),
      deadLetters: Number(value(2) ?? 0),
      pending: Array.isArray(summary) ? Number(summary[0] ?? 0) : 0,
      lag: lag === undefined || lag === null ? null : Number(lag),
      groupExists: group !== undefined,
      consumers: asArray(value(5))
        .map((c) => pairs(c))
        .map((c) => ({ name: String(c.name), pending: Number(c.pending ?? 0), idleMs: Number(c.idle ?? 0) }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    };
  }

  return {
    async ping() {
      await (await connected()).ping();
    },

    async stats() {
      const client = await connected();
      return Promise.all(queues.map((queue) => queueStats(client, queue)));
    },

    async listDeadLetters(filter = {}, page = {}) {
      const count = page.count ?? DEFAULT_DLQ_PAGE_SIZE;
      const entries: DeadLetterEntry[] = [];
      for await (const entry of scan(filter, page.cursor)) {
        entries.push(entry);
        if (entries.length === count) return { entries, nextCursor: entry.ref };
      }
      return { entries, nextCursor: null };
    },

    async showDeadLetter(ref) {
      const entry = await findEntry(ref);
      if (entry === undefined) return undefined;
      const sensitive = taskNamed(entry.type)?.sensitivePaths;
      const parsed = parsePayloadText(entry.fields.payload);
      const payload = parsed.ok ? redactPayload(parsed.value, sensitive) : undefined;
      const fields =
        parsed.ok && sensitive !== undefined && sensitive.length > 0
          ? { ...entry.fields, payload: JSON.stringify(payload) }
          : entry.fields;
      return { ...entry, fields, payload };
    },

    async replayDeadLetters(filter = {}, onProgress) {
      const client = await connected();
      const progress = { seen: 0, replayed: 0, refused: 0 };
      const refusals: RefusedReplay[] = [];
      const refuse = (entry: DeadLetterEntry, message: string, issues: readonly ValidationIssue[] = []) => {
        progress.refused++;
        refusals.push({ ref: entry.ref, type: entry.type, message, issues });
      };
      const source: AsyncIterable<DeadLetterEntry> =
        filter.ref === undefined ? scan(filter) : singleEntry(await findEntry(filter.ref), filter);
      for await (const entry of source) {
        progress.seen++;
        const task = taskNamed(entry.type);
        const parsed = parsePayloadText(entry.fields.payload);
        if (task === undefined) {
          refuse(entry, `task type "${entry.type ?? "(none)"}" is not in the current schema`);
        } else if (!parsed.ok) {
          refuse(entry, `the payload is not JSON: ${parsed.error}`);
        } else {
          const result = task.validator.safeParse(parsed.value);
          // The worker refuses integers JSON.parse would round, before its validator: so does replay.
          const issues = [
            ...(result.success ? [] : toValidationIssues(result.error.issues)),
            ...unsafeIntegerIssues(entry.fields.payload ?? ""),
          ];
          if (issues.length > 0) {
            refuse(entry, "the payload is still invalid against the current schema", issues);
          } else {
            const target = keysOf(queueNamed(task.queue)).stream;
            const written = await client.jobgenReplay(
              keysOf(queueNamed(entry.queue)).dlq,
              target,
              entry.entryId,
              ...replayFields(entry.fields),
            );
            if (written !== null) progress.replayed++;
          }
        }
        onProgress?.({ ...progress });
      }
      return { ...progress, refusals };
    },

    async purgeDeadLetters(filter = {}) {
      const client = await connected();
      if (filter.type === undefined && filter.reason === undefined) {
        const selected = filter.queue === undefined ? queues : [queueNamed(filter.queue)];
        let purged = 0;
        for (const queue of selected) {
          const dlq = keysOf(queue).dlq;
          const result = await client.multi().xlen(dlq).del(dlq).exec();
          purged += Number(result?.[0]?.[1] ?? 0);
        }
        return purged;
      }
      let purged = 0;
      let batch: DeadLetterEntry[] = [];
      const flush = async () => {
        for (const queue of new Set(batch.map((e) => e.queue))) {
          const ids = batch.filter((e) => e.queue === queue).map((e) => e.entryId);
          purged += await client.xdel(keysOf(queueNamed(queue)).dlq, ...ids);
        }
        batch = [];
      };
      for await (const entry of scan(filter)) {
        batch.push(entry);
        if (batch.length >= DLQ_SCAN_BATCH) await flush();
      }
      await flush();
      return purged;
    },

    async close() {
      if (redis?.status === "ready") await redis.quit();
      else redis?.disconnect();
    },
  };
}

async function* singleEntry(
  entry: DeadLetterEntry | undefined,
  filter: DeadLetterFilter,
): AsyncGenerator<DeadLetterEntry> {
  if (entry !== undefined && matches(entry, filter)) yield entry;
}

function matches(entry: DeadLetterEntry, filter: DeadLetterFilter): boolean {
  return (
    (filter.queue === undefined || entry.queue === filter.queue) &&
    (filter.type === undefined || entry.type === filter.type) &&
    (filter.reason === undefined || entry.reason === filter.reason)
  );
}

/** Field names of the DLQ record (see the shared DLQ format). */
const DEAD_LETTER_FIELDS = {
  reason: "dlq_reason",
  error: "dlq_error",
  details: "dlq_details",
  at: "dlq_at",
} as const;

type ParsedPayload =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

function parsePayloadText(text: string | undefined): ParsedPayload {
  if (text === undefined) return { ok: false, error: "the entry has no payload field" };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** The task entry to write back: every field but `dlq_*` and `last_error`, with the retry count reset. */
function replayFields(fields: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (name.startsWith("dlq_") || name === "retry" || name === "last_error") continue;
    out.push(name, value);
  }
  out.push("retry", "0");
  return out;
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

declare module "ioredis" {
  interface RedisCommander<Context extends ClientContext = { type: "default" }> {
    jobgenReplay(
      dlq: string,
      stream: string,
      entryId: string,
      ...fields: string[]
    ): Result<string | null, Context>;
  }
}

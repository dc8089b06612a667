/**
 * Writes tasks to Redis for the producer. A single task that needs none of the script's checks (no
 * maxLen, no idempotency key, no delay) is one plain XADD, which is exactly what the ENQUEUE script
 * would run for it; any other single task is one ENQUEUE script call (maxLen backpressure,
 * idempotency key, delayed set). A batch of immediate tasks without idempotency keys (the usual
 * bulk enqueue) is one ENQUEUE_MANY call per queue or partition, sent together; any other batch is ENQUEUE calls pipelined in
 * one round trip (one per hash slot on a Redis Cluster, in parallel).
 *
 * The client is made on the first write, once the target is known to be one Redis or a Cluster
 * (target.ts).
 */
import type { Logger } from "pino";
import { pipelineBySlot } from "./batch.js";
import {
  closeClient,
  createRedisClient,
  explainFailure,
  notConnected,
  NotConnectedError,
  replaceOnTimeout,
  whenConnected,
  type RedisClient,
} from "./connection.js";
import type { QueueKeys } from "./keys.js";
import { describeTarget, parseTarget, resolveTarget } from "./target.js";
import type { RedisTarget, TlsOptions } from "../types.js";
import { argsToFields } from "../wire/codec.js";

/** One task to write. */
export interface EnqueueRequest {
  readonly keys: QueueKeys;
  /** 0: no limit. */
  readonly maxLen: number;
  readonly taskId: string;
  /** The entry as XADD takes it: `[field, value, field, value, ...]`. */
  readonly fields: readonly string[];
  /** 0: write to the stream now; otherwise hold in the delayed set for this long (server clock). */
  readonly delayMs: number;
  readonly idempotencyKey?: string | undefined;
}

/** What became of one request. */
export type EnqueueOutcome =
  | { readonly kind: "stream"; readonly entryId: string }
  | { readonly kind: "delayed"; readonly runAtMs: number }
  | { readonly kind: "duplicate"; readonly taskId: string }
  | { readonly kind: "full" }
  | { readonly kind: "error"; readonly error: Error };

export interface RedisEnqueuer {
  /** Writes one task in one round trip. Never rejects: a failure is an `error` outcome. */
  writeOne(request: EnqueueRequest): Promise<EnqueueOutcome>;
  /** Sends all requests in one round trip; one outcome per request, in order. Rejects only when a pipeline as a whole fails. */
  write(requests: readonly EnqueueRequest[]): Promise<EnqueueOutcome[]>;
  /** Tasks waiting (XLEN + ZCARD) in each of these queues or partitions, in one round trip. */
  countWaiting(keys: readonly QueueKeys[]): Promise<number[]>;
  close(): Promise<void>;
}

/** Why a write failed when its connection closed before Redis answered it. */
const UNANSWERED =
  "the connection to Redis closed before Redis answered; the task may or may not have been written " +
  "(enqueue it again with the same idempotencyKey to be sure it is written once)";

/** A write in progress; `sent` once its commands may have reached Redis. */
interface PendingWrite {
  sent: boolean;
  fail(error: Error): void;
}

export function createRedisEnqueuer(
  target: RedisTarget,
  tls: TlsOptions | undefined,
  idempotencyTtlMs: number,
  connectTimeoutMs: number,
  logger: Logger,
): RedisEnqueuer {
  parseTarget(target, tls); // a malformed option fails when the producer is made
  const where = describeTarget(target);
  const pending = new Set<PendingWrite>();
  let client: RedisClient | undefined;
  let connecting: Promise<RedisClient> | undefined;

  /**
   * The client, made on first use, once its connection is up: a write is sent only then, and
   * fails with a {@link NotConnectedError} after `connectTimeoutMs` without one (nothing written).
   * A failed probe of the target is tried again next time.
   */
  async function connected(): Promise<RedisClient> {
    const made = client ?? (await createClient());
    if (made.status !== "ready") await whenConnected(made, where, connectTimeoutMs);
    return made;
  }

  /** Probes the target (at most `connectTimeoutMs`) and creates its client, once. */
  function createClient(): Promise<RedisClient> {
    connecting ??= resolveTarget(target, tls, connectTimeoutMs).then(
      (resolved) => {
        const made = createRedisClient(resolved, "producer", "producer", logger, { tls });
        // ioredis would send an unanswered command again after reconnecting, and an enqueue that
        // Redis had already run would then write its task twice. The producer client never
        // resends; a write whose connection closed before the reply fails here instead, ambiguous
        // and said so. (A Cluster client still sends again a command whose node closed during a
        // failover: docs/cluster.md.)
        made.on("ready", () => {
          for (const write of pending) write.sent = true; // the offline queue goes out now
        });
        made.on("close", () => {
          for (const write of pending) {
            if (!write.sent) continue;
            pending.delete(write);
            write.fail(new Error(UNANSWERED));
          }
        });
        client = made;
        return made;
      },
      (err: unknown) => {
        connecting = undefined;
        // The probe's message is already the connection problem in words (without a code to add).
        throw notConnected(where, new Error(asError(err).message));
      },
    );
    return connecting;
  }

  /**
   * `sent` (a command just handed to the client), failed at once when the connection closes after
   * it may have gone out. A write cut off may still settle later; that is ignored.
   */
  function unlessCutOff<T>(client: RedisClient, sent: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const write: PendingWrite = { sent: client.status === "ready", fail: reject };
      pending.add(write);
      sent.then(
        (reply) => {
          pending.delete(write);
          resolve(reply);
        },
        (err: unknown) => {
          pending.delete(write);
          reject(err);
        },
      );
    });
  }

  /** The ENQUEUE script's keys and arguments for one request. */
  function enqueueArgs(r: EnqueueRequest): [string, string, string, ...(string | number)[]] {
    const tail = r.delayMs > 0 ? [JSON.stringify(argsToFields(r.fields))] : r.fields;
    return [
      r.keys.stream,
      r.keys.delayed,
      `${r.keys.idempotency}${r.idempotencyKey ?? ""}`,
      r.maxLen,
      r.delayMs,
      idempotencyTtlMs,
      r.taskId,
      r.idempotencyKey === undefined ? "0" : "1",
      ...tail,
    ];
  }

  async function writeOne(r: EnqueueRequest): Promise<EnqueueOutcome> {
    let c = client;
    try {
      c = client?.status === "ready" ? client : await connected();
      if (isPlainAppend(r)) {
        return streamOutcome(await unlessCutOff(c, c.xadd(r.keys.stream, "*", ...r.fields)));
      }
      return outcomeOf(await unlessCutOff(c, c.jobgenEnqueue(...enqueueArgs(r))));
    } catch (err) {
      if (c === undefined || err instanceof NotConnectedError) return { kind: "error", error: asError(err) };
      replaceOnTimeout(c, err, logger);
      return { kind: "error", error: explainFailure(c, err) };
    }
  }

  async function writeMany(
    client: RedisClient,
    first: EnqueueRequest,
    requests: readonly EnqueueRequest[],
  ): Promise<EnqueueOutcome[]> {
    const args = [String(first.maxLen)];
    for (const run of runsOfSameFieldNames(requests)) appendRun(args, run);
    let replies: string[];
    try {
      // One array argument (ioredis flattens it): no spread of thousands of arguments.
      replies = await unlessCutOff(
        client,
        client.jobgenEnqueueMany(first.keys.stream, first.keys.delayed, args),
      );
    } catch (err) {
      // One atomic script: all of the batch was written or none (ambiguous only when cut off).
      replaceOnTimeout(client, err, logger);
      const error = explainFailure(client, err);
      return requests.map((): EnqueueOutcome => ({ kind: "error", error }));
    }
    return requests.map((_, i): EnqueueOutcome => {
      const reply = replies[i];
      if (reply === "full") return { kind: "full" };
      return streamOutcome(reply);
    });
  }

  return {
    writeOne,
    async write(requests) {
      const [first] = requests;
      if (first === undefined) return [];
      const client = await connected();
      const streams = fastPathGroups(requests);
      if (streams?.length === 1) return await writeMany(client, first, requests);
      if (streams !== undefined) {
        const written = await Promise.all(
          streams.map((group) => writeMany(client, group[0] as EnqueueRequest, group)),
        );
        const byRequest = new Map<EnqueueRequest, EnqueueOutcome>();
        streams.forEach((group, g) =>
          group.forEach((r, i) => byRequest.set(r, written[g]?.[i] as EnqueueOutcome)),
        );
        return requests.map((r) => byRequest.get(r) ?? { kind: "error", error: new Error("no reply") });
      }
      const sent = pipelineBySlot(
        client,
        requests,
        (r) => r.keys.stream,
        (pipeline, r) => pipeline.jobgenEnqueue(...enqueueArgs(r)),
      );
      const replies = await unlessCutOff(client, sent).catch((err: unknown) => {
        replaceOnTimeout(client, err, logger);
        throw explainFailure(client, err);
      });
      const timedOut = replies.find(([err]) => err !== null)?.[0];
      if (timedOut) replaceOnTimeout(client, timedOut, logger);
      return requests.map((_, i): EnqueueOutcome => {
        const [err, reply] = replies[i] ?? [new Error("no reply from Redis"), null];
        return err ? { kind: "error", error: explainFailure(client, err) } : outcomeOf(reply);
      });
    },
    async countWaiting(keys) {
      const c = await connected();
      const replies = await pipelineBySlot(
        c,
        keys,
        (k) => k.stream,
        (pipeline, k) => pipeline.xlen(k.stream).zcard(k.delayed),
      ).catch((err: unknown) => {
        replaceOnTimeout(c, err, logger);
        throw explainFailure(c, err);
      });
      return keys.map((_, i) => {
        const counts = replies.slice(2 * i, 2 * i + 2);
        const failed = counts.find(([err]) => err !== null)?.[0];
        if (failed) throw explainFailure(c, failed);
        return counts.reduce((sum, [, n]) => sum + Number(n), 0);
      });
    },
    async close() {
      const made = client ?? (await connecting?.catch(() => undefined));
      if (made !== undefined) await closeClient(made);
    },
  };
}

/** Whether the ENQUEUE script would do nothing for `r` but XADD its fields to the stream. */
function isPlainAppend(r: EnqueueRequest): boolean {
  return r.maxLen === 0 && r.delayMs === 0 && r.idempotencyKey === undefined;
}

/** The outcome of an XADD that replied `entryId`. */
function streamOutcome(entryId: string | null | undefined): EnqueueOutcome {
  return typeof entryId === "string"
    ? { kind: "stream", entryId }
    : { kind: "error", error: new Error("no reply from Redis") };
}

/**
 * The requests by stream (queue or partition), in order within each, when every one can go in an
 * ENQUEUE_MANY call with the others of its stream (immediate, no idempotency key, one maxLen per
 * stream); `undefined` otherwise.
 */
function fastPathGroups(requests: readonly EnqueueRequest[]): EnqueueRequest[][] | undefined {
  const groups = new Map<string, EnqueueRequest[]>();
  for (const r of requests) {
    if (r.delayMs !== 0 || r.idempotencyKey !== undefined) return undefined;
    const group = groups.get(r.keys.stream);
    if (group === undefined) groups.set(r.keys.stream, [r]);
    else if (group[0]?.maxLen !== r.maxLen || group[0].keys.delayed !== r.keys.delayed) return undefined;
    else group.push(r);
  }
  return [...groups.values()];
}

/** `requests` cut into runs of consecutive requests whose entries have the same field names. */
function runsOfSameFieldNames(requests: readonly EnqueueRequest[]): EnqueueRequest[][] {
  const runs: EnqueueRequest[][] = [];
  for (const r of requests) {
    const run = runs.at(-1);
    if (run?.[0] !== undefined && sameFieldNames(run[0], r)) run.push(r);
    else runs.push([r]);
  }
  return runs;
}

/** Whether the entries of `a` and `b` have the same field names in the same order. */
function sameFieldNames(a: EnqueueRequest, b: EnqueueRequest): boolean {
  if (a.fields.length !== b.fields.length) return false;
  for (let i = 0; i < a.fields.length; i += 2) if (a.fields[i] !== b.fields[i]) return false;
  return true;
}

/**
 * Appends one run of ENQUEUE_MANY (scripts.ts), tasks whose entries have the same field names:
 * the names once, a value that every task of the run has once, the others task by task. Tasks of
 * one bulk enqueue mostly differ only in payload, created_at and id: ~3 arguments per task instead
 * of ~17, and encoding arguments was most of the producer's CPU.
 */
function appendRun(args: string[], run: readonly EnqueueRequest[]): void {
  const names = run[0]?.fields ?? [];
  args.push(String(run.length), String(names.length / 2));
  for (let i = 0; i < names.length; i += 2) args.push(names[i] as string);
  let kinds = "";
  const shared: string[] = [];
  const own: number[] = []; // indexes of the values each task sends
  for (let i = 1; i < names.length; i += 2) {
    const value = names[i] as string;
    if (run.every((r) => r.fields[i] === value)) {
      kinds += "s";
      shared.push(value);
    } else {
      kinds += "o";
      own.push(i);
    }
  }
  args.push(kinds, ...shared);
  for (const r of run) for (const i of own) args.push(r.fields[i] as string);
}

/** Decodes one ENQUEUE script reply. */
function outcomeOf(reply: unknown): EnqueueOutcome {
  const [kind, value] = reply as [string, string | undefined];
  switch (kind) {
    case "stream":
      return { kind, entryId: value ?? "" };
    case "delayed":
      return { kind, runAtMs: Number(value) };
    case "duplicate":
      return { kind, taskId: value ?? "" };
    case "full":
      return { kind };
    default:
      return { kind: "error", error: new Error(`unexpected reply from the enqueue script: ${String(kind)}`) };
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

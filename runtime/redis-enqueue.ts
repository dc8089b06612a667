/**
 * Writes tasks to Redis for the producer: one ENQUEUE script call per task (maxLen backpressure,
 * idempotency key, delayed set), many of them pipelined in one round trip. A batch of immediate
 * tasks of one queue without idempotency keys (the usual bulk enqueue) is one ENQUEUE_MANY call
 * instead; a single task is one plain script call (no pipeline).
 */
import type { Logger } from "pino";
import { closeClient, createRedisClient, explainFailure, replaceOnTimeout } from "./redis-connection.js";
import type { QueueKeys } from "./keys.js";
import type { TlsOptions } from "./types.js";
import { fieldsToArgs } from "./wire.js";

/** One task to write. */
export interface EnqueueRequest {
  readonly keys: QueueKeys;
  /** 0: no limit. */
  readonly maxLen: number;
  readonly taskId: string;
  readonly fields: Readonly<Record<string, string>>;
  /** 0: write to the stream now; otherwise hold in the delayed set for this long (server clock). */
  readonly delayMs: number;
  readonly idempotencyKey?: string;
}

/** What became of one request. */
export type EnqueueOutcome =
  | { readonly kind: "stream"; readonly entryId: string }
  | { readonly kind: "delayed"; readonly runAtMs: number }
  | { readonly kind: "duplicate"; readonly taskId: string }
  | { readonly kind: "full" }
  | { readonly kind: "error"; readonly error: Error };

export interface RedisEnqueuer {
  /** Sends all requests in one round trip; one outcome per request, in order. Rejects only when a pipeline as a whole fails. */
  write(requests: readonly EnqueueRequest[]): Promise<EnqueueOutcome[]>;
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
  url: string,
  tls: TlsOptions | undefined,
  idempotencyTtlMs: number,
  logger: Logger,
): RedisEnqueuer {
  const client = createRedisClient(url, "producer", "producer", logger, { tls });
  // ioredis would send an unanswered command again after reconnecting, and an enqueue that Redis
  // had already run would then write its task twice. The producer client never resends; a write
  // whose connection closed before the reply fails here instead, ambiguous and said so.
  const pending = new Set<PendingWrite>();
  client.on("ready", () => {
    for (const write of pending) write.sent = true; // the offline queue goes out now
  });
  client.on("close", () => {
    for (const write of pending) {
      if (!write.sent) continue;
      pending.delete(write);
      write.fail(new Error(UNANSWERED));
    }
  });

  /** `send()`, failed at once when the connection closes after its commands may have gone out. */
  async function unlessCutOff<T>(send: () => Promise<T>): Promise<T> {
    let write: PendingWrite | undefined;
    const cutOff = new Promise<never>((_, reject) => {
      write = { sent: client.status === "ready", fail: reject };
      pending.add(write);
    });
    const sent = send();
    sent.catch(() => undefined); // a write cut off may still reject later, unobserved
    try {
      return await Promise.race([sent, cutOff]);
    } finally {
      if (write) pending.delete(write);
    }
  }

  /** The ENQUEUE script's keys and arguments for one request. */
  function enqueueArgs(r: EnqueueRequest): [string, string, string, ...(string | number)[]] {
    const tail = r.delayMs > 0 ? [JSON.stringify(r.fields)] : fieldsToArgs(r.fields);
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
    try {
      return outcomeOf(await unlessCutOff(() => client.jobgenEnqueue(...enqueueArgs(r))));
    } catch (err) {
      replaceOnTimeout(client, err, logger);
      return { kind: "error", error: explainFailure(client, err) };
    }
  }

  async function writeMany(
    first: EnqueueRequest,
    requests: readonly EnqueueRequest[],
  ): Promise<EnqueueOutcome[]> {
    const args: (string | number)[] = [first.maxLen, requests.length];
    for (const r of requests) {
      const pairs = fieldsToArgs(r.fields);
      args.push(pairs.length);
      for (const value of pairs) args.push(value);
    }
    let replies: string[];
    try {
      replies = await unlessCutOff(() =>
        client.jobgenEnqueueMany(first.keys.stream, first.keys.delayed, ...args),
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
      return reply === undefined
        ? { kind: "error", error: new Error("no reply from Redis") }
        : { kind: "stream", entryId: reply };
    });
  }

  return {
    async write(requests) {
      const [first] = requests;
      if (first === undefined) return [];
      if (requests.length === 1) return [await writeOne(first)];
      if (requests.every((r) => sharesFastPath(r, first))) return await writeMany(first, requests);
      const pipeline = client.pipeline();
      for (const r of requests) pipeline.jobgenEnqueue(...enqueueArgs(r));
      const replies = await unlessCutOff(() => pipeline.exec()).catch((err: unknown) => {
        replaceOnTimeout(client, err, logger);
        throw explainFailure(client, err);
      });
      if (replies === null) throw new Error("the pipeline was not executed");
      const timedOut = replies.find(([err]) => err !== null)?.[0];
      if (timedOut) replaceOnTimeout(client, timedOut, logger);
      return requests.map((_, i): EnqueueOutcome => {
        const [err, reply] = replies[i] ?? [new Error("no reply from Redis"), null];
        return err ? { kind: "error", error: explainFailure(client, err) } : outcomeOf(reply);
      });
    },
    close: () => closeClient(client),
  };
}

/** Whether `r` can go in one ENQUEUE_MANY call with `first`: immediate, no idempotency key, same queue. */
function sharesFastPath(r: EnqueueRequest, first: EnqueueRequest): boolean {
  return (
    r.delayMs === 0 &&
    r.idempotencyKey === undefined &&
    r.keys.stream === first.keys.stream &&
    r.keys.delayed === first.keys.delayed &&
    r.maxLen === first.maxLen
  );
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

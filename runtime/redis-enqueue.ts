/**
 * Writes tasks to Redis for the producer: one ENQUEUE script call per task (maxLen backpressure,
 * idempotency key, delayed set), many of them pipelined in one round trip. A batch of immediate
 * tasks of one queue without idempotency keys (the usual bulk enqueue) is one ENQUEUE_MANY call
 * instead; a single task is one plain script call (no pipeline).
 */
import type { Logger } from "pino";
import { closeClient, createRedisClient, replaceOnTimeout } from "./redis-connection.js";
import type { QueueKeys } from "./keys.js";
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

export function createRedisEnqueuer(url: string, idempotencyTtlMs: number, logger: Logger): RedisEnqueuer {
  const client = createRedisClient(url, "command", "producer", logger);

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
      return outcomeOf(await client.jobgenEnqueue(...enqueueArgs(r)));
    } catch (err) {
      replaceOnTimeout(client, err, logger);
      return { kind: "error", error: err instanceof Error ? err : new Error(String(err)) };
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
      replies = await client.jobgenEnqueueMany(first.keys.stream, first.keys.delayed, ...args);
    } catch (err) {
      // One atomic script: nothing of the batch was written.
      replaceOnTimeout(client, err, logger);
      const error = err instanceof Error ? err : new Error(String(err));
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
      const replies = await pipeline.exec().catch((err: unknown) => {
        replaceOnTimeout(client, err, logger);
        throw err;
      });
      if (replies === null) throw new Error("the pipeline was not executed");
      const timedOut = replies.find(([err]) => err !== null)?.[0];
      if (timedOut) replaceOnTimeout(client, timedOut, logger);
      return requests.map((_, i): EnqueueOutcome => {
        const [err, reply] = replies[i] ?? [new Error("no reply from Redis"), null];
        return err ? { kind: "error", error: err } : outcomeOf(reply);
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

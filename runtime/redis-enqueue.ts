/**
 * Writes tasks to Redis for the producer: one ENQUEUE script call per task (maxLen backpressure,
 * idempotency key, delayed set), many of them pipelined in one round trip.
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
  /** Sends all requests in one pipeline; one outcome per request, in order. Rejects only when the pipeline as a whole fails. */
  write(requests: readonly EnqueueRequest[]): Promise<EnqueueOutcome[]>;
  close(): Promise<void>;
}

export function createRedisEnqueuer(url: string, idempotencyTtlMs: number, logger: Logger): RedisEnqueuer {
  const client = createRedisClient(url, "command", "producer", logger);
  return {
    async write(requests) {
      const pipeline = client.pipeline();
      for (const r of requests) {
        const idempotent = r.idempotencyKey !== undefined;
        const tail = r.delayMs > 0 ? [JSON.stringify(r.fields)] : fieldsToArgs(r.fields);
        pipeline.jobgenEnqueue(
          r.keys.stream,
          r.keys.delayed,
          `${r.keys.idempotency}${r.idempotencyKey ?? ""}`,
          r.maxLen,
          r.delayMs,
          idempotencyTtlMs,
          r.taskId,
          idempotent ? "1" : "0",
          ...tail,
        );
      }
      const replies = await pipeline.exec().catch((err: unknown) => {
        replaceOnTimeout(client, err, logger);
        throw err;
      });
      if (replies === null) throw new Error("the pipeline was not executed");
      const timedOut = replies.find(([err]) => err !== null)?.[0];
      if (timedOut) replaceOnTimeout(client, timedOut, logger);
      return requests.map((_, i): EnqueueOutcome => {
        const [err, reply] = replies[i] ?? [new Error("no reply from Redis"), null];
        if (err) return { kind: "error", error: err };
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
            return {
              kind: "error",
              error: new Error(`unexpected reply from the enqueue script: ${String(kind)}`),
            };
        }
      });
    },
    close: () => closeClient(client),
  };
}

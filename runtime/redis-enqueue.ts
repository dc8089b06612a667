/**
 * Writes tasks to Redis for the producer: one ENQUEUE script call per task (maxLen backpressure,
 * idempotency key, delayed set), many of them pipelined in one round trip.
 */
import type { Redis } from "ioredis";
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
  /** Sends all requests in one pipeline; one outcome per request, in order. Rejects only when the pipeline as a whole fails. */
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

  /** `pipeline.exec()`, failed at once when the connection closes after the pipeline was sent. */
  async function execUnlessCutOff(pipeline: ReturnType<Redis["pipeline"]>) {
    let write: PendingWrite | undefined;
    const cutOff = new Promise<never>((_, reject) => {
      write = { sent: client.status === "ready", fail: reject };
      pending.add(write);
    });
    const exec = pipeline.exec();
    exec.catch(() => undefined); // a pipeline cut off may still reject later, unobserved
    try {
      return await Promise.race([exec, cutOff]);
    } finally {
      if (write) pending.delete(write);
    }
  }

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
      const replies = await execUnlessCutOff(pipeline).catch((err: unknown) => {
        replaceOnTimeout(client, err, logger);
        throw explainFailure(client, err);
      });
      if (replies === null) throw new Error("the pipeline was not executed");
      const timedOut = replies.find(([err]) => err !== null)?.[0];
      if (timedOut) replaceOnTimeout(client, timedOut, logger);
      return requests.map((_, i): EnqueueOutcome => {
        const [err, reply] = replies[i] ?? [new Error("no reply from Redis"), null];
        if (err) return { kind: "error", error: explainFailure(client, err) };
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

/**
 * The floor: a bare Redis Streams loop with no library. Producer: one XADD per task (pipelined
 * for the bulk form). Consumer: XREADGROUP COUNT <concurrency> BLOCK, run the handlers, one XACK
 * for the whole batch. No validation, no retries, no middleware.
 */
import { Redis } from "ioredis";
import { BENCH_KEY_PREFIX, BENCH_QUEUE, BENCH_TASK, type BenchPayload } from "../registry.js";
import type { BenchAdapter } from "./adapter.js";
import { streamOutstanding } from "./stream-outstanding.js";

const STREAM = `${BENCH_KEY_PREFIX}${BENCH_QUEUE}`;
const GROUP = "workers";
const BLOCK_MS = 1000;

export function createBareAdapter(redisUrl: string): BenchAdapter {
  let client: Redis | undefined;
  const getClient = () => (client ??= new Redis(redisUrl));
  return {
    async enqueueBulk(batch) {
      const pipeline = getClient().pipeline();
      for (const payload of batch)
        pipeline.xadd(STREAM, "*", "type", BENCH_TASK, "payload", JSON.stringify(payload));
      await pipeline.exec();
    },
    async enqueue(payload) {
      await getClient().xadd(STREAM, "*", "type", BENCH_TASK, "payload", JSON.stringify(payload));
    },
    async startWorker(concurrency, onHandle) {
      const reader = new Redis(redisUrl, { maxRetriesPerRequest: null });
      await reader.xgroup("CREATE", STREAM, GROUP, "0", "MKSTREAM").catch((err: unknown) => {
        if (!String(err).includes("BUSYGROUP")) throw err;
      });
      let running = true;
      const loop = (async () => {
        while (running) {
          const reply = (await reader
            .xreadgroup("GROUP", GROUP, "c1", "COUNT", concurrency, "BLOCK", BLOCK_MS, "STREAMS", STREAM, ">")
            .catch((err: unknown) => {
              if (running) throw err;
              return null;
            })) as [string, [string, string[]][]][] | null;
          const entries = reply?.[0]?.[1] ?? [];
          if (entries.length === 0) continue;
          await Promise.all(
            entries.map(async ([, fields]) => {
              const payloadIndex = fields.indexOf("payload");
              onHandle(JSON.parse(fields[payloadIndex + 1] ?? "null") as BenchPayload);
            }),
          );
          await reader.xack(STREAM, GROUP, ...entries.map(([id]) => id));
        }
      })();
      return {
        async stop() {
          running = false;
          reader.disconnect();
          await loop;
        },
      };
    },
    async outstanding() {
      return await streamOutstanding(getClient(), STREAM, GROUP);
    },
    async close() {
      client?.disconnect();
    },
  };
}

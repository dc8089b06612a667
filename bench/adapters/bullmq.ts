/**
 * BullMQ with its recommended settings: the Queue and the Worker each get their own ioredis
 * connection, the Worker's with `maxRetriesPerRequest: null`; completed jobs are removed
 * (`removeOnComplete: true`, the cheapest setting for BullMQ); no payload validation (BullMQ has none).
 */
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { BENCH_QUEUE, BENCH_TASK, type BenchPayload } from "../registry.js";
import type { BenchAdapter } from "./adapter.js";

export function createBullmqAdapter(redisUrl: string): BenchAdapter {
  let queue: Queue<BenchPayload> | undefined;
  const getQueue = () =>
    (queue ??= new Queue<BenchPayload>(BENCH_QUEUE, { connection: new Redis(redisUrl) }));
  return {
    async enqueueBulk(batch) {
      await getQueue().addBulk(batch.map((data) => ({ name: BENCH_TASK, data })));
    },
    async enqueue(payload) {
      await getQueue().add(BENCH_TASK, payload);
    },
    async startWorker(concurrency, onHandle) {
      const worker = new Worker<BenchPayload>(
        BENCH_QUEUE,
        async (job) => {
          onHandle(job.data);
        },
        {
          connection: new Redis(redisUrl, { maxRetriesPerRequest: null }),
          concurrency,
          removeOnComplete: { count: 0 },
          autorun: false,
        },
      );
      void worker.run();
      await worker.waitUntilReady();
      return { stop: () => worker.close() };
    },
    async outstanding() {
      const counts = await getQueue().getJobCounts(
        "wait",
        "active",
        "delayed",
        "prioritized",
        "waiting-children",
      );
      return Object.values(counts).reduce((sum, n) => sum + n, 0);
    },
    async close() {
      await queue?.close();
    },
  };
}

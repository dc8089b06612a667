/**
 * jobgen through its public API: createProducer (typed bulk form, validation on) and
 * createWorkerRuntime with the library's default middleware, validation and logger.
 */
import { Redis } from "ioredis";
import type * as Runtime from "../../runtime/index.js";
import { BENCH_KEY_PREFIX, BENCH_QUEUE, BENCH_TASK, benchRegistry, type BenchPayload } from "../registry.js";
import type { BenchAdapter } from "./adapter.js";
import { streamOutstanding } from "./stream-outstanding.js";

/**
 * The runtime module to measure: the compiled package users install (`runtime/dist`, built by `npm run
 * bench` first), or a copy named by BENCH_JOBGEN_RUNTIME (a path from the repository root, e.g.
 * `runtime/index.ts` for the sources through tsx, or a patched copy) for A/B measurements.
 */
const RUNTIME_MODULE = new URL(
  `../../${process.env.BENCH_JOBGEN_RUNTIME ?? "runtime/dist/esm/index.js"}`,
  import.meta.url,
).href;

export async function createJobgenAdapter(redisUrl: string): Promise<BenchAdapter> {
  const { createProducer, createWorkerRuntime } = (await import(RUNTIME_MODULE)) as typeof Runtime;
  let producer: Runtime.Producer | undefined;
  let inspector: Redis | undefined;
  const getProducer = () =>
    (producer ??= createProducer(benchRegistry, { redis: redisUrl, keyPrefix: BENCH_KEY_PREFIX }));
  const group = benchRegistry.queues.default?.group ?? "workers";
  return {
    async enqueueBulk(batch) {
      await getProducer().enqueueBulk(batch.map((payload) => ({ type: BENCH_TASK, payload })));
    },
    async enqueue(payload) {
      await getProducer().enqueue(BENCH_TASK, payload);
    },
    async startWorker(concurrency, onHandle) {
      const worker = createWorkerRuntime(
        benchRegistry,
        { redis: redisUrl, keyPrefix: BENCH_KEY_PREFIX, concurrency },
        {
          [BENCH_TASK]: async (payload: BenchPayload) => {
            onHandle(payload);
          },
        },
      );
      await worker.start();
      return worker;
    },
    async outstanding() {
      inspector ??= new Redis(redisUrl);
      return await streamOutstanding(inspector, `${BENCH_KEY_PREFIX}${BENCH_QUEUE}`, group);
    },
    async close() {
      await producer?.close();
      inspector?.disconnect();
    },
  };
}

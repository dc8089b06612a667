/**
 * jobgen through its public API: createProducer (typed bulk form, validation on) and
 * createWorkerRuntime with the library's default middleware, validation and logger.
 * `BENCH_PARTITIONS=N` (the Cluster bench, cluster.ts) partitions the queue over N streams; a
 * `redis` of comma-separated seed URLs is a Redis Cluster.
 */
import { Cluster, Redis } from "ioredis";
import type * as Runtime from "../../runtime/index.js";
import { partitionKeys } from "../../runtime/redis/partitions.js";
import { BENCH_KEY_PREFIX, BENCH_TASK, benchRegistry, type BenchPayload } from "../registry.js";
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

/** The bench registry, its queue partitioned when `BENCH_PARTITIONS` says so. */
function registryOf(partitions: number): Runtime.TaskRegistry {
  const queue = benchRegistry.queues.default;
  if (partitions <= 1 || queue === undefined) return benchRegistry;
  return { ...benchRegistry, queues: { default: { ...queue, partitions } } };
}

export async function createJobgenAdapter(redisUrl: string): Promise<BenchAdapter> {
  const { createProducer, createWorkerRuntime } = (await import(RUNTIME_MODULE)) as typeof Runtime;
  const registry = registryOf(Number(process.env.BENCH_PARTITIONS ?? 1));
  let producer: Runtime.Producer | undefined;
  let inspector: Redis | undefined;
  const getProducer = () =>
    (producer ??= createProducer(registry, { redis: redisUrl, keyPrefix: BENCH_KEY_PREFIX }));
  const queue = registry.queues.default;
  const group = queue?.group ?? "workers";
  const streams = queue === undefined ? [] : partitionKeys(queue, BENCH_KEY_PREFIX).map((k) => k.stream);
  return {
    async enqueueBulk(batch) {
      await getProducer().enqueueBulk(batch.map((payload) => ({ type: BENCH_TASK, payload })));
    },
    async enqueue(payload) {
      await getProducer().enqueue(BENCH_TASK, payload);
    },
    async startWorker(concurrency, onHandle) {
      const worker = createWorkerRuntime(
        registry,
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
      inspector ??= redisUrl.includes(",")
        ? (new Cluster(redisUrl.split(",")) as unknown as Redis)
        : new Redis(redisUrl);
      const client = inspector;
      const each = await Promise.all(streams.map((stream) => streamOutstanding(client, stream, group)));
      return each.reduce((sum, n) => sum + n, 0);
    },
    async close() {
      await producer?.close();
      inspector?.disconnect();
    },
  };
}

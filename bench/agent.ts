/**
 * A bench agent: a child process that loads one library's adapter and runs the commands the
 * orchestrator sends over IPC (see protocol.ts). Workers get a fresh agent per measurement, so
 * their RSS and heap start clean. Usage (by run.ts): agent.ts <library> <redis-url>.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { performance } from "node:perf_hooks";
import { loadAdapter, type BenchAdapter, type LibraryName, type RunningWorker } from "./adapters/adapter.js";
import type { Commands, CommandName, Reply, Request } from "./protocol.js";
import { makePayload, monotonicMicros, type BenchPayload } from "./registry.js";
import { percentile } from "./stats.js";

const RSS_SAMPLE_MS = 50;
const DRAIN_POLL_MS = 5;
/** Polling of a shared drain, which runs from the start: coarser, so the pollers stay out of the CPU figures. */
const SHARED_DRAIN_POLL_MS = 20;
const DRAIN_TIMEOUT_MS = 600_000;

const [library, redisUrl] = process.argv.slice(2) as [LibraryName, string];
const adapter = await loadAdapter(library, redisUrl);

type Handlers = { [C in CommandName]: (args: Commands[C]["args"]) => Promise<Commands[C]["result"]> };

let latencyWorker: RunningWorker | undefined;
const latencies: number[] = [];
let latencyReceived = 0;

const handlers: Handlers = {
  async bulk({ n, batch, profilePath }) {
    const batches: BenchPayload[][] = [];
    for (let start = 0; start < n; start += batch) {
      batches.push(Array.from({ length: Math.min(batch, n - start) }, (_, k) => makePayload(start + k)));
    }
    const profiler = profilePath === undefined ? undefined : await startProfiler();
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    for (const items of batches) await adapter.enqueueBulk(items);
    const timed = { ms: performance.now() - t0, cpuMicros: cpuSince(cpu0) };
    if (profiler && profilePath) await profiler.stopInto(profilePath);
    return timed;
  },

  async warmUp({ n }) {
    for (let i = 0; i < n; i++) await adapter.enqueue(makePayload(-1 - i));
    return null;
  },

  async single({ n, profilePath }) {
    const payloads = Array.from({ length: n }, (_, i) => makePayload(i));
    const profiler = profilePath === undefined ? undefined : await startProfiler();
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    for (const payload of payloads) await adapter.enqueue(payload);
    const timed = { ms: performance.now() - t0, cpuMicros: cpuSince(cpu0) };
    if (profiler && profilePath) await profiler.stopInto(profilePath);
    return timed;
  },

  async drain({ n, concurrency, profilePath }) {
    const profiler = profilePath === undefined ? undefined : await startProfiler();
    let peakRssBytes = process.memoryUsage.rss();
    const sampler = setInterval(() => {
      peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
    }, RSS_SAMPLE_MS);
    let handled = 0;
    let allHandled!: () => void;
    const handledAll = new Promise<void>((resolve) => (allHandled = resolve));
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const worker = await adapter.startWorker(concurrency, () => {
      if (++handled === n) allHandled();
    });
    await withTimeout(handledAll, DRAIN_TIMEOUT_MS, () => `only ${handled} of ${n} tasks handled`);
    await pollUntilDrained(adapter);
    const ms = performance.now() - t0;
    const cpuMicros = cpuSince(cpu0);
    if (profiler && profilePath) await profiler.stopInto(profilePath);
    clearInterval(sampler);
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
    await worker.stop();
    return { ms, cpuMicros, handled, peakRssBytes };
  },

  async drainShared({ concurrency }) {
    let peakRssBytes = process.memoryUsage.rss();
    const sampler = setInterval(() => {
      peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
    }, RSS_SAMPLE_MS);
    let handled = 0;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const worker = await adapter.startWorker(concurrency, () => void handled++);
    await pollUntilDrained(adapter, SHARED_DRAIN_POLL_MS);
    const ms = performance.now() - t0;
    const cpuMicros = cpuSince(cpu0);
    clearInterval(sampler);
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
    await worker.stop();
    return { ms, cpuMicros, handled, peakRssBytes };
  },

  async latencyStart({ concurrency }) {
    latencyWorker = await adapter.startWorker(concurrency, (payload) => {
      const now = monotonicMicros();
      latencyReceived++;
      if (payload.i >= 0) latencies.push((now - payload.sentAt) / 1000);
    });
    return null;
  },

  async latencyCollect({ expected, timeoutMs }) {
    const deadline = performance.now() + timeoutMs;
    while (latencyReceived < expected && performance.now() < deadline) await sleep(DRAIN_POLL_MS);
    await latencyWorker?.stop();
    return {
      received: latencyReceived,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      p99Ms: percentile(latencies, 99),
      maxMs: percentile(latencies, 100),
    };
  },

  async produce({ rate, seconds, warmupSeconds }) {
    const warmup = Math.round(rate * warmupSeconds);
    const total = warmup + Math.round(rate * seconds);
    const intervalMs = 1000 / rate;
    const pending: Promise<void>[] = [];
    let errors = 0;
    let sent = 0;
    const t0 = performance.now();
    while (sent < total) {
      const due = Math.min(total, Math.floor((performance.now() - t0) / intervalMs) + 1);
      while (sent < due) {
        // Warm-up tasks carry a negative sequence number; the consumer does not record them.
        const i = sent < warmup ? -(sent + 1) : sent - warmup;
        pending.push(adapter.enqueue(makePayload(i, monotonicMicros())).catch(() => void errors++));
        sent++;
      }
      await sleep(1);
    }
    const behindMs = performance.now() - t0 - (total - 1) * intervalMs;
    await Promise.all(pending);
    return { sent, errors, behindMs };
  },

  async close() {
    await adapter.close();
    return null;
  },
};

async function pollUntilDrained(bench: BenchAdapter, pollMs = DRAIN_POLL_MS): Promise<void> {
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  while ((await bench.outstanding()) > 0) {
    if (performance.now() > deadline) throw new Error("tasks still outstanding after the drain timeout");
    await sleep(pollMs);
  }
}

/** A V8 CPU profile of this thread, from now until `stopInto` writes it. */
async function startProfiler(): Promise<{ stopInto(path: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  return {
    async stopInto(path) {
      const { profile } = await session.post("Profiler.stop");
      writeFileSync(path, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function withTimeout<T>(promise: Promise<T>, ms: number, describe: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(describe())), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function send(reply: Reply): void {
  process.send?.(reply);
}

process.on("message", (message: Request) => {
  const handler = handlers[message.cmd] as (args: unknown) => Promise<unknown>;
  handler(message.args).then(
    (result) => send({ id: message.id, result }),
    (err: unknown) =>
      send({ id: message.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
});
process.on("disconnect", () => process.exit(0));
send({ ready: true });

/**
 * Prometheus exposition of a worker's metrics through prom-client. Every value is read from the
 * worker's {@link MetricsSnapshot} at scrape time, so registering costs nothing per task:
 *
 * | metric | type | labels |
 * | --- | --- | --- |
 * | `jobgen_tasks_processed_total` | counter | `type`, `outcome` (success, retry, deferred, dead_letter, abandoned, reclaimed) |
 * | `jobgen_tasks_dead_lettered_total` | counter | `reason` |
 * | `jobgen_task_duration_seconds` | histogram | `type` |
 * | `jobgen_tasks_in_flight` | gauge | |
 * | `jobgen_fetch_errors_total` | counter | |
 * | `jobgen_queue_length`, `_pending`, `_delayed`, `_dead_letters`, `_lag` | gauge | `queue` (with `queueStats`) |
 *
 * `serveMetrics` adds a `/metrics` HTTP endpoint on node:http for workers without a web server.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Counter, Gauge, Registry, type Metric } from "prom-client";
import type { QueueStats } from "../admin/admin.js";
import type { MetricsSnapshot } from "./metrics.js";

/** Anything with a metrics snapshot: a `MetricsCollector`, or a worker exposing one as `metrics`. */
export type MetricsSource =
  { snapshot(): MetricsSnapshot } | { readonly metrics: { snapshot(): MetricsSnapshot } };

/** Options of {@link registerWorkerMetrics}. */
export interface PrometheusOptions {
  /** The registry to add the metrics to. @defaultValue a new `Registry` */
  readonly registry?: Registry | undefined;
  /** Prefix of every metric name. @defaultValue {@link DEFAULT_METRIC_PREFIX} */
  readonly prefix?: string | undefined;
  /**
   * Queue depth gauges: called at each scrape, e.g. `() => admin.stats()` with an admin from
   * `createAdmin` (one Redis round trip per queue). @defaultValue none: no queue gauges
   */
  readonly queueStats?: (() => Promise<readonly QueueStats[]>) | undefined;
}

/** Prefix of jobgen's metric names. */
export const DEFAULT_METRIC_PREFIX = "jobgen_";

/** Port of `serveMetrics` when none is given. */
export const DEFAULT_METRICS_PORT = 9464;

/** Interface `serveMetrics` listens on when none is given. */
export const DEFAULT_METRICS_HOST = "0.0.0.0";

/** Adds the worker's metrics to a prom-client registry; returns that registry. */
export function registerWorkerMetrics(source: MetricsSource, options: PrometheusOptions = {}): Registry {
  const registry = options.registry ?? new Registry();
  const prefix = options.prefix ?? DEFAULT_METRIC_PREFIX;
  const snapshot = (): MetricsSnapshot => ("metrics" in source ? source.metrics : source).snapshot();

  new Counter({
    name: `${prefix}tasks_processed_total`,
    help: "Tasks by type and outcome (success, retry, deferred, dead_letter, abandoned, reclaimed).",
    labelNames: ["type", "outcome"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [type, byOutcome] of Object.entries(snapshot().processed)) {
        for (const [outcome, count] of Object.entries(byOutcome)) this.inc({ type, outcome }, count ?? 0);
      }
    },
  });
  new Counter({
    name: `${prefix}tasks_dead_lettered_total`,
    help: "Tasks moved to the dead-letter stream, by reason.",
    labelNames: ["reason"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, count] of Object.entries(snapshot().deadLettered)) this.inc({ reason }, count ?? 0);
    },
  });
  new Gauge({
    name: `${prefix}tasks_in_flight`,
    help: "Attempts running now.",
    registers: [registry],
    collect() {
      this.set(snapshot().inFlight);
    },
  });
  new Counter({
    name: `${prefix}fetch_errors_total`,
    help: "Fetches from Redis that failed.",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(snapshot().fetchErrors);
    },
  });
  new Counter({
    name: `${prefix}tasks_throttled_total`,
    help: "Tasks held back before they started, by type and policy (rate_limit, concurrency).",
    labelNames: ["type", "policy"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [type, byPolicy] of Object.entries(snapshot().throttled)) {
        for (const [policy, summary] of Object.entries(byPolicy)) this.inc({ type, policy }, summary.count);
      }
    },
  });
  new Counter({
    name: `${prefix}task_throttled_seconds_total`,
    help: "Time tasks were told to wait for their start under a rate limit, by type and policy.",
    labelNames: ["type", "policy"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [type, byPolicy] of Object.entries(snapshot().throttled)) {
        const waited = byPolicy.rate_limit;
        if (waited !== undefined) this.inc({ type, policy: "rate_limit" }, waited.waitMs / 1000);
      }
    },
  });
  registry.registerMetric(durationHistogram(`${prefix}task_duration_seconds`, snapshot));
  if (options.queueStats !== undefined) registerQueueGauges(registry, prefix, options.queueStats);
  return registry;
}

/**
 * The attempt-duration histogram, built from the snapshot's cumulative buckets. prom-client's own
 * Histogram only takes single observations, so this is a metric object of the shape its registry
 * reads (`get()` and `reset()`), exposed with type `histogram`.
 */
function durationHistogram(name: string, snapshot: () => MetricsSnapshot): Metric {
  const histogram = {
    name,
    help: "Attempt durations through the middleware onion, handler included, by task type.",
    type: "histogram",
    aggregator: "sum",
    async get() {
      const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
      for (const [type, summary] of Object.entries(snapshot().durations)) {
        for (const bucket of summary.buckets) {
          values.push({
            metricName: `${name}_bucket`,
            labels: { type, le: bucket.leMs / 1000 },
            value: bucket.count,
          });
        }
        values.push(
          { metricName: `${name}_bucket`, labels: { type, le: "+Inf" }, value: summary.count },
          { metricName: `${name}_sum`, labels: { type }, value: summary.sumMs / 1000 },
          { metricName: `${name}_count`, labels: { type }, value: summary.count },
        );
      }
      return { name, help: histogram.help, type: "histogram", values, aggregator: "sum" };
    },
    reset(): void {
      // The values belong to the worker's collector; nothing to reset here.
    },
  };
  return histogram as unknown as Metric;
}

function registerQueueGauges(
  registry: Registry,
  prefix: string,
  queueStats: () => Promise<readonly QueueStats[]>,
): void {
  let latest: Promise<readonly QueueStats[]> | undefined;
  // One stats call per scrape, shared by the five gauges: prom-client starts collecting every
  // metric of a scrape at once, so they all join the call in flight.
  const stats = (): Promise<readonly QueueStats[]> => {
    latest ??= queueStats().finally(() => {
      latest = undefined;
    });
    return latest;
  };
  const gauge = (suffix: string, help: string, read: (s: QueueStats) => number | null) =>
    new Gauge({
      name: `${prefix}queue_${suffix}`,
      help,
      labelNames: ["queue"],
      registers: [registry],
      async collect() {
        this.reset();
        for (const s of await stats()) {
          const value = read(s);
          if (value !== null) this.set({ queue: s.queue }, value);
        }
      },
    });
  gauge("length", "Entries in the queue's stream (waiting and in flight).", (s) => s.length);
  gauge("pending", "Entries delivered to a worker and not yet acked.", (s) => s.pending);
  gauge("delayed", "Tasks waiting in the delayed set (retries, delayed enqueues).", (s) => s.delayed);
  gauge("dead_letters", "Entries in the dead-letter stream.", (s) => s.deadLetters);
  gauge("lag", "Entries not yet delivered to the consumer group.", (s) => s.lag);
}

/** Options of {@link serveMetrics}. */
export interface ServeMetricsOptions extends PrometheusOptions {
  /** TCP port; 0 picks a free one (see the returned `url`). @defaultValue {@link DEFAULT_METRICS_PORT} */
  readonly port?: number | undefined;
  /** Interface to listen on. @defaultValue {@link DEFAULT_METRICS_HOST} */
  readonly host?: string | undefined;
}

/** A running `/metrics` endpoint. */
export interface MetricsServer {
  /** `http://host:port/metrics`. */
  readonly url: string;
  readonly registry: Registry;
  close(): Promise<void>;
}

/** Serves the worker's metrics (and everything else in the registry) at `GET /metrics`. */
export async function serveMetrics(
  source: MetricsSource,
  options: ServeMetricsOptions = {},
): Promise<MetricsServer> {
  const registry = registerWorkerMetrics(source, options);
  const server: Server = createServer((request, response) => {
    if (request.method !== "GET" || request.url?.split("?")[0] !== "/metrics") {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found; metrics are at /metrics\n");
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { "content-type": registry.contentType }).end(text),
      (error: unknown) =>
        response.writeHead(500, { "content-type": "text/plain" }).end(`metrics failed: ${String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? DEFAULT_METRICS_PORT, options.host ?? DEFAULT_METRICS_HOST, resolve);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${address.port}/metrics`,
    registry,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

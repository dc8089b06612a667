// A running worker's /metrics scraped and parsed after it processed tasks, queue gauges included.
import { afterEach, describe, expect, it } from "vitest";
import { createAdmin } from "../../runtime/admin/admin.js";
import { serveMetrics, type MetricsServer } from "../../runtime/observe/prometheus.js";
import { testRedisUrl } from "../support/redis.js";
import { parseExposition } from "../support/prometheus-text.js";
import { testRegistry } from "../support/registry.js";
import { addRaw, workerTestBed, type WorkerTestBed } from "../support/worker.js";

describe("metrics scrape of a running worker", () => {
  let bed: WorkerTestBed;
  let server: MetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
    await bed.cleanup();
  });

  it("counts successes and dead letters by type and reports queue depth", async () => {
    const registry = testRegistry();
    bed = workerTestBed(registry, "metrics-scrape");
    const worker = bed.worker({ send_email: async () => {}, resize_image: async () => {} });
    const admin = createAdmin(registry, { redis: testRedisUrl(), keyPrefix: bed.prefix });
    server = await serveMetrics(worker, { port: 0, host: "127.0.0.1", queueStats: () => admin.stats() });
    await worker.start();
    for (let i = 0; i < 3; i++) await addRaw(bed.redis, bed.keys.stream);
    await addRaw(bed.redis, bed.keys.stream, { payload: JSON.stringify({ to: "nope" }) });

    const scrapeOnce = async () => parseExposition(await (await fetch(server!.url)).text());
    const deadline = Date.now() + 10_000;
    let scrape = await scrapeOnce();
    const settled = (s: typeof scrape) =>
      s.value("jobgen_tasks_processed_total", { type: "send_email", outcome: "success" }) === 3 &&
      s.value("jobgen_tasks_processed_total", { type: "send_email", outcome: "dead_letter" }) === 1;
    while (!settled(scrape) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      scrape = await scrapeOnce();
    }
    await admin.close();

    expect(scrape.value("jobgen_tasks_processed_total", { type: "send_email", outcome: "success" })).toBe(3);
    expect(scrape.value("jobgen_tasks_processed_total", { type: "send_email", outcome: "dead_letter" })).toBe(
      1,
    );
    expect(scrape.value("jobgen_tasks_dead_lettered_total", { reason: "validation" })).toBe(1);
    expect(scrape.value("jobgen_task_duration_seconds_count", { type: "send_email" })).toBe(4);
    expect(scrape.value("jobgen_tasks_in_flight")).toBe(0);
    expect(scrape.value("jobgen_queue_length", { queue: "default" })).toBe(0);
    expect(scrape.value("jobgen_queue_dead_letters", { queue: "default" })).toBe(1);
    expect(scrape.value("jobgen_queue_lag", { queue: "default" })).toBe(0);
  });
});

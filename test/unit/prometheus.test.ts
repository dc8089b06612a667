import { describe, expect, it } from "vitest";
import { MetricsCollector } from "../../runtime/observe/metrics.js";
import { serveMetrics } from "../../runtime/observe/prometheus.js";
import { parseExposition } from "../support/prometheus-text.js";

describe("prometheus", () => {
  it("serves the collector's counters, histogram and gauges at /metrics, read at scrape time", async () => {
    const collector = new MetricsCollector();
    const server = await serveMetrics(collector, {
      port: 0,
      host: "127.0.0.1",
      queueStats: async () => [
        {
          queue: "default",
          stream: "tasks",
          streams: ["tasks"],
          group: "workers",
          length: 7,
          pending: 2,
          delayed: 1,
          deadLetters: 3,
          delivered: 40,
          lag: 5,
          groupExists: true,
          consumers: [],
        },
      ],
    });
    try {
      collector.attemptStarted();
      collector.attemptFinished("send_email", 40);
      collector.recordOutcome("send_email", "success");
      collector.attemptStarted();
      collector.attemptFinished("send_email", 3_000);
      collector.recordOutcome("send_email", "dead_letter", "permanent");
      collector.attemptStarted();

      const response = await fetch(server.url);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/plain");
      const scrape = parseExposition(await response.text());
      expect(scrape.types).toMatchObject({
        jobgen_tasks_processed_total: "counter",
        jobgen_task_duration_seconds: "histogram",
        jobgen_tasks_in_flight: "gauge",
      });
      expect(scrape.value("jobgen_tasks_processed_total", { type: "send_email", outcome: "success" })).toBe(
        1,
      );
      expect(
        scrape.value("jobgen_tasks_processed_total", { type: "send_email", outcome: "dead_letter" }),
      ).toBe(1);
      expect(scrape.value("jobgen_tasks_dead_lettered_total", { reason: "permanent" })).toBe(1);
      expect(scrape.value("jobgen_tasks_in_flight")).toBe(1);
      expect(scrape.value("jobgen_task_duration_seconds_count", { type: "send_email" })).toBe(2);
      expect(scrape.value("jobgen_task_duration_seconds_sum", { type: "send_email" })).toBeCloseTo(3.04);
      expect(scrape.value("jobgen_task_duration_seconds_bucket", { type: "send_email", le: "0.05" })).toBe(1);
      expect(scrape.value("jobgen_task_duration_seconds_bucket", { type: "send_email", le: "+Inf" })).toBe(2);
      expect(scrape.value("jobgen_queue_length", { queue: "default" })).toBe(7);
      expect(scrape.value("jobgen_queue_lag", { queue: "default" })).toBe(5);

      collector.attemptFinished("send_email", 10);
      collector.recordOutcome("send_email", "success");
      const again = parseExposition(await (await fetch(server.url)).text());
      expect(again.value("jobgen_tasks_processed_total", { type: "send_email", outcome: "success" })).toBe(2);
      expect(again.value("jobgen_tasks_in_flight")).toBe(0);

      expect((await fetch(server.url.replace("/metrics", "/other"))).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

// A trace followed from the producer to the handler through Redis, with the in-memory tracer built
// on @opentelemetry/api alone (test/support/otel-memory.ts).
import { trace } from "@opentelemetry/api";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { currentCorrelationId } from "../../runtime/worker/middleware/tracing.js";
import { createProducer } from "../../runtime/producer/producer.js";
import { installMemoryTracing } from "../support/otel-memory.js";
import { quietLogger } from "../support/provider.js";
import { testRedisUrl } from "../support/redis.js";
import { testRegistry } from "../support/registry.js";
import { workerTestBed, type WorkerTestBed } from "../support/worker.js";

const tracing = installMemoryTracing();
afterAll(() => tracing.uninstall());

describe("trace context from producer to handler", () => {
  let bed: WorkerTestBed;
  afterEach(async () => bed.cleanup());

  it("runs the handler in a span of the enqueue's trace, with the correlation id in scope", async () => {
    const registry = testRegistry();
    bed = workerTestBed(registry, "otel-trace");
    const seen: { traceId: string | undefined; correlationId: string | undefined }[] = [];
    const worker = bed.worker({
      send_email: async () => {
        seen.push({
          traceId: trace.getActiveSpan()?.spanContext().traceId,
          correlationId: currentCorrelationId(),
        });
      },
      resize_image: async () => {},
    });
    await worker.start();
    // No tracing option anywhere: with @opentelemetry/api installed, producer and worker trace by default.
    const producer = createProducer(registry, {
      redis: testRedisUrl(),
      keyPrefix: bed.prefix,
      logger: quietLogger,
    });
    try {
      await producer.enqueue(
        "send_email",
        { to: "a@example.com", subject: "hi" },
        { correlationId: "corr-42" },
      );
    } finally {
      await producer.close();
    }
    const deadline = Date.now() + 10_000;
    while (seen.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

    await worker.stop();

    const enqueueSpan = tracing.spans.find((s) => s.name === "enqueue send_email");
    const handleSpan = tracing.spans.find((s) => s.name === "handle send_email");
    expect(enqueueSpan).toBeDefined();
    expect(seen).toEqual([{ traceId: enqueueSpan?.traceId, correlationId: "corr-42" }]);
    expect(handleSpan).toMatchObject({
      traceId: enqueueSpan?.traceId,
      parentSpanId: enqueueSpan?.spanId,
    });
  });
});

import { trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { loadOpenTelemetry, traceHandle } from "../../runtime/otel.js";
import { installMemoryTracing } from "../support/otel-memory.js";

const info = { type: "send_email", queue: "default", taskId: "t-1", attempt: 1, traceparent: undefined };

describe("otel without a registered tracer provider", () => {
  it("runs the handler without a span, then traces once a provider is registered", async () => {
    await loadOpenTelemetry();
    let active: unknown = "not run";
    const result = await traceHandle(info, async () => {
      active = trace.getActiveSpan();
      return 42;
    });
    expect(result).toBe(42);
    expect(active).toBeUndefined();

    const tracing = installMemoryTracing();
    try {
      await traceHandle(info, async () => {
        active = trace.getActiveSpan();
      });
      expect(tracing.spans.map((span) => span.name)).toEqual(["handle send_email"]);
      expect(active).toBeDefined();
    } finally {
      tracing.uninstall();
    }
  });
});

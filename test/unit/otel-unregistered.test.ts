import { trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { loadOpenTelemetry, traceEnqueue, traceHandle } from "../../runtime/observe/otel.js";
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

  it("writes no traceparent on enqueue, then does once a provider is registered", async () => {
    await loadOpenTelemetry();
    const written: (Readonly<Record<string, string>> | undefined)[] = [];
    const enqueue = async (metadata: Readonly<Record<string, string>> | undefined) =>
      void written.push(metadata);
    await traceEnqueue({ type: "send_email", queue: "default" }, { tenant: "t1" }, enqueue);
    const tracing = installMemoryTracing();
    try {
      await traceEnqueue({ type: "send_email", queue: "default" }, { tenant: "t1" }, enqueue);
    } finally {
      tracing.uninstall();
    }
    expect(written[0]).toEqual({ tenant: "t1" });
    expect(written[1]).toMatchObject({ tenant: "t1", traceparent: expect.stringMatching(/^00-/) });
  });
});

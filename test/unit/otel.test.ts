import { trace } from "@opentelemetry/api";
import { afterAll, describe, expect, it } from "vitest";
import {
  formatTraceparent,
  parseTraceparent,
  traceEnqueue,
  traceHandle,
} from "../../runtime/observe/otel.js";
import { installMemoryTracing } from "../support/otel-memory.js";

const tracing = installMemoryTracing();
afterAll(() => tracing.uninstall());

describe("otel", () => {
  it("carries the enqueue span's trace into the handle span through the traceparent metadata", async () => {
    let written: Readonly<Record<string, string>> | undefined;
    await traceEnqueue({ type: "send_email", queue: "default" }, { tenant: "t1" }, async (metadata) => {
      written = metadata;
    });
    expect(written).toMatchObject({
      tenant: "t1",
      traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/),
    });

    let activeTraceId: string | undefined;
    await traceHandle(
      { type: "send_email", queue: "default", taskId: "t-1", attempt: 1, traceparent: written?.traceparent },
      async () => {
        activeTraceId = trace.getActiveSpan()?.spanContext().traceId;
      },
    );
    const [enqueue, handle] = tracing.spans;
    expect(enqueue?.name).toBe("enqueue send_email");
    expect(handle?.name).toBe("handle send_email");
    expect(handle?.traceId).toBe(enqueue?.traceId);
    expect(handle?.parentSpanId).toBe(enqueue?.spanId);
    expect(activeTraceId).toBe(enqueue?.traceId);
  });

  it("marks a failed handle span and rethrows", async () => {
    const failure = traceHandle(
      { type: "t", queue: "q", taskId: "x", attempt: 2, traceparent: undefined },
      async () => {
        throw new Error("boom");
      },
    );
    await expect(failure).rejects.toThrow("boom");
    expect(tracing.spans.at(-1)?.status).toMatchObject({ message: "boom" });
  });

  it("formats and parses W3C traceparent, rejecting invalid ones", () => {
    const ctx = { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", traceFlags: 1 };
    const text = formatTraceparent(ctx);
    expect(text).toBe("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    expect(parseTraceparent(text)).toMatchObject({ ...ctx, isRemote: true });
    expect(parseTraceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01")).toBeUndefined();
    expect(parseTraceparent("garbage")).toBeUndefined();
    expect(formatTraceparent({ ...ctx, spanId: "0000000000000000" })).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import {
  bufferArgsToFields,
  deadLetterFields,
  decodeTask,
  encodeTaskArgs,
  encodeTaskFields,
  fieldsToArgs,
  retryFields,
} from "../../runtime/wire/codec.js";

/** Fields as the provider reads them: the reply's bytes, strictly decoded. */
function argsToFields(pairs: readonly string[]): Record<string, string> {
  return bufferArgsToFields(pairs.map((text) => Buffer.from(text, "utf8"))).fields;
}

const QUEUE = { name: "default", stream: "tasks" };

const task = {
  id: "5f0c7a52-1f9e-4c1b-9a55-8d3b8f6f2a10",
  type: "send_email",
  payload: '{"to":"a@b.co","subject":"hi"}',
  createdAt: new Date("2025-01-02T03:04:05.678Z"),
  retry: 0,
  maxRetry: 5,
  timeoutMs: 90_000,
  metadata: { tenant: "acme", type: "not-the-type", retry: "99" },
  correlationId: "corr-1",
};

describe("wire format", () => {
  it("encodes the Go fields, jobgen's fields, and flattens metadata without overwriting reserved fields", () => {
    expect(encodeTaskFields(task)).toEqual({
      payload: '{"to":"a@b.co","subject":"hi"}',
      type: "send_email",
      created_at: "2025-01-02T03:04:05.678Z",
      retry: "0",
      max_retry: "5",
      timeout: "1m30s",
      metadata: '{"tenant":"acme","type":"send_email","retry":"99"}',
      id: task.id,
      payload_version: "1",
      correlation_id: "corr-1",
      tenant: "acme",
    });
  });

  it("lists the fields as XADD takes them, Go fields first, flattened metadata last", () => {
    expect(
      encodeTaskArgs({ ...task, traceparent: "00-tp", payloadVersion: 3, payloadSchema: "a1b2c3d4" }),
    ).toEqual([
      "payload",
      task.payload,
      "type",
      "send_email",
      "created_at",
      "2025-01-02T03:04:05.678Z",
      "retry",
      "0",
      "max_retry",
      "5",
      "timeout",
      "1m30s",
      "metadata",
      '{"tenant":"acme","type":"send_email","retry":"99"}',
      "id",
      task.id,
      "payload_version",
      "3",
      "payload_schema",
      "a1b2c3d4",
      "correlation_id",
      "corr-1",
      "traceparent",
      "00-tp",
      "tenant",
      "acme",
    ]);
  });

  it("writes no correlation_id when none was given (the worker uses the task id)", () => {
    const fields = encodeTaskFields({ ...task, correlationId: undefined });
    expect(Object.keys(fields)).not.toContain("correlation_id");
    expect(decodeTask(QUEUE, "1-0", fields, 1).correlationId).toBeUndefined();
  });

  it("round-trips a task through the stream fields", () => {
    const fields = argsToFields(fieldsToArgs(encodeTaskFields(task)));
    expect(decodeTask(QUEUE, "1735787045678-0", fields, 1)).toMatchObject({
      queue: "default",
      entryId: "1735787045678-0",
      id: task.id,
      type: "send_email",
      payload: task.payload,
      retry: 0,
      maxRetry: 5,
      timeoutMs: 90_000,
      correlationId: "corr-1",
      createdAt: task.createdAt,
      deliveryCount: 1,
      metadata: { tenant: "acme", type: "send_email", retry: "99" },
    });
  });

  it("decodes a literal entry of the Go package (no id, nanosecond RFC 3339 with offset)", () => {
    const goEntry = [
      "payload",
      '{"to":"user@example.com","subject":"Welcome!","body":"Welcome to our service"}',
      "created_at",
      "2024-05-06T07:08:09.123456789+07:00",
      "retry",
      "2",
      "max_retry",
      "3",
      "timeout",
      "30s",
      "metadata",
      '{"type":"send_email","correlation_id":"go-corr"}',
      "type",
      "send_email",
      "correlation_id",
      "go-corr",
    ];
    const decoded = decodeTask(QUEUE, "1714954089123-0", argsToFields(goEntry), 3);
    expect(decoded).toMatchObject({
      id: "tasks/1714954089123-0",
      type: "send_email",
      payload: '{"to":"user@example.com","subject":"Welcome!","body":"Welcome to our service"}',
      retry: 2,
      maxRetry: 3,
      timeoutMs: 30_000,
      correlationId: "go-corr",
      createdAt: new Date("2024-05-06T00:08:09.123Z"),
      deliveryCount: 3,
    });
  });

  it("gives an entry without id the task id <stream>/<entry id>, unique across queues", () => {
    const fields = argsToFields(["type", "t", "payload", "{}"]);
    const first = decodeTask(QUEUE, "1714954089123-0", fields, 1);
    const second = decodeTask({ name: "critical", stream: "critical" }, "1714954089123-0", fields, 1);
    expect([first.id, second.id]).toEqual(["tasks/1714954089123-0", "critical/1714954089123-0"]);
    // The retry is a new entry and the dead letter another stream: both keep the derived id.
    expect(retryFields(first, "boom").id).toBe("tasks/1714954089123-0");
    const record = deadLetterFields(first, { reason: "poison", error: "x" }, "w", new Date(0));
    expect(record.id).toBe("tasks/1714954089123-0");
    expect(decodeTask(QUEUE, "1714954099999-0", retryFields(first, "boom"), 1).id).toBe(first.id);
  });

  it("keeps an id written on the wire as it is", () => {
    const fields = argsToFields(["id", "1714954089123-0", "type", "t", "payload", "{}"]);
    expect(decodeTask(QUEUE, "1714954089123-0", fields, 1).id).toBe("1714954089123-0");
  });

  it("decodes an unreadable entry without throwing: the missing parts stay undefined", () => {
    const decoded = decodeTask(
      QUEUE,
      "42-0",
      argsToFields(["retry", "x", "metadata", "{oops", "created_at", "?"]),
      1,
    );
    expect(decoded).toMatchObject({
      id: "tasks/42-0",
      type: undefined,
      payload: undefined,
      retry: 0,
      maxRetry: undefined,
    });
    expect(decoded.createdAt).toEqual(new Date(42));
  });

  it("treats a field named __proto__ as data", () => {
    const fields = argsToFields(["__proto__", "x", "payload", "{}"]);
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect(Object.hasOwn(fields, "__proto__")).toBe(true);
    const decoded = decodeTask(QUEUE, "1-0", fields, 1);
    expect(decoded.metadata).toEqual({ ["__proto__"]: "x" });
  });

  it("reads a field named __proto__ from bytes, and a metadata key __proto__, as data", () => {
    const { fields, invalidUtf8 } = bufferArgsToFields(
      ["__proto__", "x", "metadata", '{"__proto__":"y","type":"t"}', "payload", "{}"].map((text) =>
        Buffer.from(text),
      ),
    );
    expect(invalidUtf8).toBeUndefined();
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect(Object.hasOwn(fields, "__proto__")).toBe(true);
    const decoded = decodeTask(QUEUE, "1-0", fields, 1);
    expect(Object.getPrototypeOf(decoded.metadata)).toBe(Object.prototype);
    expect(decoded.metadata).toEqual({ ["__proto__"]: "y", type: "t" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("names the fields whose bytes are not valid UTF-8, keeping their lossy text for the DLQ record", () => {
    const invalid = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const { fields, invalidUtf8 } = bufferArgsToFields([
      Buffer.from("payload"),
      invalid,
      Buffer.from("type"),
      Buffer.from("send_email \u00e9"),
    ]);
    expect(invalidUtf8).toEqual(["payload"]);
    expect(fields.payload).toBe("{\uFFFD\uFFFD}");
    expect(fields.type).toBe("send_email \u00e9");
    expect(decodeTask(QUEUE, "1-0", fields, 1, invalidUtf8).invalidUtf8Fields).toEqual(["payload"]);
  });

  it("builds the next attempt's fields and the DLQ record from the entry's fields", () => {
    const decoded = decodeTask(QUEUE, "1-0", encodeTaskFields(task), 1);
    expect(retryFields(decoded, "boom")).toMatchObject({ retry: "1", last_error: "boom", id: task.id });
    const record = deadLetterFields(
      decoded,
      { reason: "max_retries", error: "boom", details: { attempts: 6 } },
      "worker-1",
      new Date("2025-01-01T00:00:00Z"),
    );
    expect(record).toMatchObject({
      ...encodeTaskFields(task),
      dlq_reason: "max_retries",
      dlq_error: "boom",
      dlq_details: '{"attempts":6}',
      dlq_at: "2025-01-01T00:00:00.000Z",
      dlq_queue: "default",
      dlq_entry_id: "1-0",
      dlq_consumer: "worker-1",
    });
  });
});

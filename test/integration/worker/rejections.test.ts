import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TaskContext } from "../../../runtime/types.js";
import { eventually } from "../../support/provider.js";
import { testRegistry } from "../../support/registry.js";
import { addRaw, deadLetters, queueState, workerTestBed, type WorkerTestBed } from "../../support/worker.js";

const registry = testRegistry();

describe("worker: entries that must never reach a handler, and Go entries that must", () => {
  let bed: WorkerTestBed;
  let handled: unknown[];
  let contexts: TaskContext[];
  beforeEach(async () => {
    bed = workerTestBed(registry, "worker-rejections");
    handled = [];
    contexts = [];
    const record = async (payload: unknown, ctx: TaskContext) => {
      handled.push(payload);
      contexts.push(ctx);
    };
    await bed.worker({ send_email: record, resize_image: record }).start();
  });
  afterEach(() => bed.cleanup());

  async function onlyDeadLetter() {
    await eventually(async () => (await queueState(bed.redis, bed.keys)).dlq === 1, "entry dead-lettered");
    expect(await queueState(bed.redis, bed.keys)).toEqual({ stream: 0, pending: 0, delayed: 0, dlq: 1 });
    expect(handled).toEqual([]);
    const [record] = await deadLetters(bed.redis, bed.keys);
    return record!;
  }

  it("dead-letters a malformed payload XADDed by hand as `malformed`, without retries", async () => {
    await bed.redis.xadd(
      bed.keys.stream,
      "*",
      "type",
      "send_email",
      "payload",
      '{"to": "a@b.co",',
      "retry",
      "0",
    );
    const record = await onlyDeadLetter();
    expect(record).toMatchObject({ dlq_reason: "malformed", retry: "0", payload: '{"to": "a@b.co",' });
    expect(record.dlq_error).toMatch(/not valid JSON/);
  });

  it("dead-letters an invalid payload as `validation` with every issue and its path", async () => {
    await addRaw(bed.redis, bed.keys.stream, { payload: JSON.stringify({ to: "not-an-email", subject: 7 }) });
    const record = await onlyDeadLetter();
    expect(record.dlq_reason).toBe("validation");
    const { issues } = JSON.parse(record.dlq_details!) as { issues: { path: string[]; message: string }[] };
    expect(issues.map((i) => i.path.join(".")).sort()).toEqual(["subject", "to"]);
    expect(record.dlq_error).toMatch(/to: .*; subject: |subject: .*; to: /);
  });

  it("dead-letters a prototype-pollution payload as `validation`; nothing is polluted", async () => {
    await addRaw(bed.redis, bed.keys.stream, {
      payload: '{"to":"a@b.co","subject":"hi","__proto__":{"polluted":true}}',
    });
    const record = await onlyDeadLetter();
    expect(record.dlq_reason).toBe("validation");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("dead-letters an unknown task type as `unknown_type`", async () => {
    await addRaw(bed.redis, bed.keys.stream, { type: "send_fax", payload: "{}" });
    const record = await onlyDeadLetter();
    expect(record).toMatchObject({ dlq_reason: "unknown_type", type: "send_fax" });
  });

  it("dead-letters a payload over the task's size cap as `too_large`", async () => {
    // send_email caps payloads at 4096 bytes in the test registry
    await addRaw(bed.redis, bed.keys.stream, {
      payload: JSON.stringify({ to: "a@b.co", subject: "hi", body: "x".repeat(5_000) }),
    });
    expect((await onlyDeadLetter()).dlq_reason).toBe("too_large");
  });

  it("dead-letters 10k-deep nesting as `too_large`", async () => {
    await addRaw(bed.redis, bed.keys.stream, {
      type: "resize_image",
      payload: "[".repeat(10_000) + "]".repeat(10_000),
    });
    expect((await onlyDeadLetter()).dlq_reason).toBe("too_large");
  });

  it("processes an entry in the Go package's format (seed fields, metadata flattened)", async () => {
    const entryId = await bed.redis.xadd(
      bed.keys.stream,
      "*",
      ...["payload", JSON.stringify({ to: "go@b.co", subject: "from go" })],
      ...["created_at", "2026-11-28T10:00:00Z", "retry", "0", "max_retry", "3", "timeout", "30s"],
      ...["metadata", JSON.stringify({ type: "send_email", tenant: "acme" })],
      ...["type", "send_email", "tenant", "acme"],
    );
    await eventually(async () => handled.length === 1, "task handled");
    await eventually(async () => (await queueState(bed.redis, bed.keys)).stream === 0, "task acked");
    expect(handled).toEqual([{ to: "go@b.co", subject: "from go" }]);
    expect(contexts[0]).toMatchObject({
      taskId: `${registry.queues.default!.stream}/${entryId}`,
      type: "send_email",
      attempt: 1,
      maxRetries: 3,
      metadata: { tenant: "acme", type: "send_email" },
      enqueuedAt: new Date("2026-11-28T10:00:00Z"),
    });
    expect(await queueState(bed.redis, bed.keys)).toEqual({ stream: 0, pending: 0, delayed: 0, dlq: 0 });
  });
});

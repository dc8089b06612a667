// Regression (fault suite, fault 5): a payload whose bytes are not valid UTF-8 (written by another
// producer or by hand) is `malformed`: it goes to the DLQ on first delivery and never reaches its
// handler, instead of being decoded with replacement characters and handled as if it were valid.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eventually } from "../../support/provider.js";
import { testRegistry } from "../../support/registry.js";
import { deadLetters, queueState, workerTestBed, type WorkerTestBed } from "../../support/worker.js";

const registry = testRegistry();

describe("worker: a payload that is not valid UTF-8", () => {
  let bed: WorkerTestBed;
  let handled: unknown[];
  beforeEach(async () => {
    bed = workerTestBed(registry, "worker-invalid-utf8");
    handled = [];
    const record = async (payload: unknown) => void handled.push(payload);
    await bed.worker({ send_email: record, resize_image: record }).start();
  });
  afterEach(() => bed.cleanup());

  it("is dead-lettered as `malformed` without running the handler", async () => {
    const payload = Buffer.concat([
      Buffer.from('{"to":"a@b.co","subject":"'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('"}'),
    ]);
    await bed.redis.xadd(bed.keys.stream, "*", "type", "send_email", "id", "bad-bytes", "payload", payload);
    await eventually(async () => (await queueState(bed.redis, bed.keys)).dlq === 1, "entry dead-lettered");
    expect(handled).toEqual([]);
    const [record] = await deadLetters(bed.redis, bed.keys);
    expect(record?.dlq_reason).toBe("malformed");
    expect(record?.dlq_error).toMatch(/UTF-8/);
    expect(record?.id).toBe("bad-bytes");
  });

  it("still handles a valid payload holding U+FFFD itself", async () => {
    await bed.redis.xadd(
      bed.keys.stream,
      "*",
      "type",
      "send_email",
      "payload",
      JSON.stringify({ to: "a@b.co", subject: "\uFFFD is fine" }),
    );
    await eventually(async () => handled.length === 1, "handled");
    expect(handled).toEqual([{ to: "a@b.co", subject: "\uFFFD is fine" }]);
  });
});

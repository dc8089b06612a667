// Schema defaults on a real Redis, with the committed generated/ client (resize_image's `format`
// defaults to webp): the producer stores the task complete, and a worker fills the default in for
// an entry written without it (a producer in another language) before the handler runs.
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createEnqueue, createWorker, registry, type ResizeImagePayload } from "../../../generated/index.js";
import { queueKeys } from "../../../runtime/redis/keys.js";
import { connect, deleteKeys, testRedisUrl, uniquePrefix } from "../../support/redis.js";

const prefix = uniquePrefix("defaults");
const logger = pino({ level: "silent" });
const sizes = [{ width: 64, height: 64 }];

afterEach(async () => {
  const redis = connect();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

describe("schema defaults on Redis", () => {
  it("the producer stores the default; the worker fills it in for an entry that lacks it", async () => {
    const redis = connect();
    const enqueue = createEnqueue({ redis: testRedisUrl(), keyPrefix: prefix, logger });
    const received: ResizeImagePayload[] = [];
    const noop = async (): Promise<void> => {};
    const worker = createWorker(
      { queues: ["default"], redis: testRedisUrl(), keyPrefix: prefix, logger },
      {
        resizeImage: async (payload) => {
          received.push(payload);
        },
        generateReport: noop,
        sendEmail: noop,
        syncInventory: noop,
        webhookDeliver: noop,
      },
    );
    try {
      const stream = queueKeys(
        registry.queues.default ?? { name: "", stream: "", group: "", dlq: "" },
        prefix,
      ).stream;
      await enqueue.resizeImage({ sourceUrl: "https://example.com/a.png", sizes });
      const [[, fields] = ["", []]] = await redis.xrange(stream, "-", "+");
      const stored = JSON.parse(fields[fields.indexOf("payload") + 1] ?? "null") as unknown;
      expect(stored).toEqual({ sourceUrl: "https://example.com/a.png", sizes, format: "webp" });

      // A foreign producer's entry, in the Go seed's fields only, without `format`.
      await redis.xadd(
        stream,
        "*",
        "type",
        "resize_image",
        "payload",
        JSON.stringify({ sourceUrl: "https://example.com/b.png", sizes }),
      );
      await worker.start();
      const deadline = Date.now() + 10_000;
      while (received.length < 2 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(received.map((payload) => [payload.sourceUrl, payload.format])).toEqual([
        ["https://example.com/a.png", "webp"],
        ["https://example.com/b.png", "webp"],
      ]);
    } finally {
      await worker.stop();
      await enqueue.close();
      redis.disconnect();
    }
  });
});

// The user's loop end to end on a real Redis: the committed generated/ client enqueues through
// the runtime, and a generated worker for one queue receives exactly its tasks, validated.
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createEnqueue, createWorker, type SendEmailPayload } from "../../../generated/index.js";
import { ValidationError } from "../../../runtime/index.js";
import { connect, deleteKeys, testRedisUrl, uniquePrefix } from "../../support/redis.js";

const prefix = uniquePrefix("codegen-client");
const logger = pino({ level: "silent" });

afterEach(async () => {
  const redis = connect();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("generated client on Redis", () => {
  it("enqueue.sendEmail reaches the default queue's handler; an invalid payload is refused before writing", async () => {
    const enqueue = createEnqueue({ redis: testRedisUrl(), keyPrefix: prefix, logger });
    const received: SendEmailPayload[] = [];
    const worker = createWorker(
      { queues: ["default"], redis: testRedisUrl(), keyPrefix: prefix, logger },
      {
        sendEmail: async (payload, ctx) => {
          expect(ctx.type).toBe("send_email");
          received.push(payload);
        },
        generateReport: async () => {},
        resizeImage: async () => {},
        syncInventory: async () => {},
        webhookDeliver: async () => {},
      },
    );
    try {
      await worker.start();
      const task = await enqueue.sendEmail({ to: "ada@example.com", subject: "Welcome" });
      expect(task).toMatchObject({ type: "send_email", queue: "default", deduplicated: false });
      await expect(enqueue.sendEmail({ to: "not-an-email", subject: "x" })).rejects.toBeInstanceOf(
        ValidationError,
      );
      const bulk = await enqueue.bulk([
        { task: "sendEmail", payload: { to: "bob@example.com", subject: "Second" } },
        { task: "syncInventory", payload: { warehouseId: "w1", mode: "full" } },
      ]);
      expect(bulk.map((item) => item.type)).toEqual(["send_email", "sync_inventory"]);
      await until(() => received.length === 2, "two send_email tasks");
      expect(received.map((payload) => payload.subject).sort()).toEqual(["Second", "Welcome"]);
    } finally {
      await worker.stop();
      await enqueue.close();
    }
  });
});

// Versioned payloads on a real Redis, with the generated client of test/fixtures/versions
// (send_email at version 3, keeping 1 and 2): the producer writes its version and schema
// fingerprint; a worker hands every version it keeps to the handler upcast to the current type;
// an entry of a newer version is handed back without counting a retry, then dead-lettered as
// unknown_version; `dlq replay` puts back a kept-version entry (the worker upcasts it) and refuses
// an unknown version.
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createAdmin } from "../../../runtime/admin/admin.js";
import { queueKeys } from "../../../runtime/redis/keys.js";
import type { QueueDefinition } from "../../../runtime/types.js";
import {
  createEnqueue,
  createWorker,
  registry,
  type SendEmailPayload,
  type SendEmailUpcasts,
} from "../../fixtures/versions/out/index.js";
import { connect, deleteKeys, testRedisUrl, uniquePrefix } from "../../support/redis.js";

const logger = pino({ level: "silent" });
const mail = registry.queues.mail as QueueDefinition;
let prefix = "";

afterEach(async () => {
  const redis = connect();
  await deleteKeys(redis, prefix);
  await deleteKeys(redis, `{${prefix}`);
  redis.disconnect();
});

const upcasts: SendEmailUpcasts = {
  fromV1: (old) => ({ to: { email: old.to }, locale: "en" }),
  fromV2: (old) => ({ ...old, channel: "email" }),
};

async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("payload versions on Redis", () => {
  it("every kept version reaches the handler as the current type; a newer one is handed back, then dead-lettered", async () => {
    prefix = uniquePrefix("versions");
    const redis = connect();
    const keys = queueKeys(mail, prefix);
    const enqueue = createEnqueue({ redis: testRedisUrl(), keyPrefix: prefix, logger });
    const received: SendEmailPayload[] = [];
    const worker = createWorker(
      {
        queues: ["mail"],
        redis: testRedisUrl(),
        keyPrefix: prefix,
        logger,
        maxVersionDeferrals: 2,
        versionDeferralDelay: 20,
        block: 100,
      },
      { sendEmail: async (payload) => void received.push(payload) },
      { sendEmail: upcasts },
    );
    try {
      await enqueue.sendEmail({ to: { email: "v3@example.com" }, channel: "sms" });
      const [[, fields] = ["", []]] = await redis.xrange(keys.stream, "-", "+");
      const field = (name: string) => fields[fields.indexOf(name) + 1];
      expect(field("payload_version")).toBe("3");
      expect(field("payload_schema")).toBe(registry.tasks.send_email?.schemaHash);

      // Entries older producers wrote: version 1 (no payload_version, as the Go producer writes) and 2.
      await redis.xadd(
        keys.stream,
        "*",
        "type",
        "send_email",
        "payload",
        JSON.stringify({ to: "v1@example.com" }),
      );
      await redis.xadd(
        keys.stream,
        "*",
        "type",
        "send_email",
        "payload_version",
        "2",
        "payload",
        JSON.stringify({ to: { email: "v2@example.com" }, locale: "de" }),
      );
      // A newer producer's entry.
      await redis.xadd(keys.stream, "*", "type", "send_email", "payload_version", "4", "payload", "{}");
      await worker.start();
      await until(() => received.length === 3, "three handled tasks");
      expect(received.map((payload) => [payload.to.email, payload.locale, payload.channel]).sort()).toEqual([
        ["v1@example.com", "en", "email"],
        ["v2@example.com", "de", "email"],
        ["v3@example.com", "en", "sms"],
      ]);
      await until(async () => (await redis.xlen(keys.dlq)) === 1, "the version-4 entry in the DLQ");
      const [[, record = []] = ["", []]] = await redis.xrange(keys.dlq, "-", "+");
      const get = (name: string) => record[record.indexOf(name) + 1];
      expect(get("dlq_reason")).toBe("unknown_version");
      expect(get("dlq_error")).toContain("payload version 4, newer than this worker reads (versions 1–3)");
      expect(get("deferrals")).toBe("2");
      expect(record).not.toContain("retry"); // handed back without counting a retry
      expect(worker.metrics.snapshot().processed.send_email).toMatchObject({
        success: 3,
        deferred: 2,
        dead_letter: 1,
      });
    } finally {
      await worker.stop();
      await enqueue.close();
      redis.disconnect();
    }
  });

  it("dlq replay puts back a kept-version entry for the worker to upcast, and refuses an unknown version", async () => {
    prefix = uniquePrefix("versions-replay");
    const redis = connect();
    const keys = queueKeys(mail, prefix);
    const record = (version: string | undefined, payload: unknown) => [
      "type",
      "send_email",
      ...(version === undefined ? [] : ["payload_version", version]),
      "payload",
      JSON.stringify(payload),
      "deferrals",
      "10",
      "dlq_reason",
      "unknown_version",
    ];
    await redis.xadd(keys.dlq, "*", ...record(undefined, { to: "v1@example.com" }));
    await redis.xadd(keys.dlq, "*", ...record("4", {}));
    const admin = createAdmin(registry, { redis: testRedisUrl(), keyPrefix: prefix });
    try {
      const report = await admin.replayDeadLetters();
      expect(report).toMatchObject({ seen: 2, replayed: 1, refused: 1 });
      expect(report.refusals[0]?.message).toBe(
        "the entry is payload version 4; the current schema reads versions 1–3",
      );
      const [[, fields = []] = ["", []]] = await redis.xrange(keys.stream, "-", "+");
      expect(fields).not.toContain("payload_version");
      expect(fields).not.toContain("deferrals");
    } finally {
      await admin.close();
      redis.disconnect();
    }
    const received: SendEmailPayload[] = [];
    const worker = createWorker(
      { queues: ["mail"], redis: testRedisUrl(), keyPrefix: prefix, logger },
      { sendEmail: async (payload) => void received.push(payload) },
      { sendEmail: upcasts },
    );
    try {
      await worker.start();
      await until(() => received.length === 1, "the replayed task");
      expect(received[0]).toEqual({ to: { email: "v1@example.com" }, locale: "en", channel: "email" });
    } finally {
      await worker.stop();
    }
  });
});

// Regression (fault suite, fault 9b): when the connection drops after Redis ran an enqueue but
// before its reply arrived, ioredis used to send the command again on reconnect and the task was
// written twice (and ran twice). Now such an enqueue rejects (RedisError, saying it may have been
// written) and nothing is sent again; a retry with the same idempotency key writes nothing new.
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { queueKeys } from "../../../runtime/redis/keys.js";
import { createProducer, type Producer } from "../../../runtime/producer/producer.js";
import { quietLogger } from "../../support/provider.js";
import { connect, deleteKeys, uniquePrefix } from "../../support/redis.js";
import { testRegistry } from "../../support/registry.js";
import { ReplyDropProxy } from "../../support/reply-drop-proxy.js";

const registry = testRegistry();

describe("producer: an enqueue whose reply is lost", () => {
  const redis = connect();
  const prefix = uniquePrefix("lost-reply");
  const keys = queueKeys(registry.queues.default!, prefix);
  let proxy: ReplyDropProxy;
  let producer: Producer;

  beforeEach(async () => {
    proxy = await ReplyDropProxy.start(Number(new URL(inject("redisUrl")).port || 6379));
    producer = createProducer(registry, { redis: proxy.url, keyPrefix: prefix, logger: quietLogger });
    await producer.enqueue("send_email", { to: "a@b.co", subject: "warm-up" });
  });
  afterEach(async () => {
    await producer.close();
    await proxy.close();
    await deleteKeys(redis, prefix);
    await deleteKeys(redis, `{${prefix}`);
  });

  async function entriesWithSubject(subject: string): Promise<number> {
    const entries = await redis.xrange(keys.stream, "-", "+");
    return entries.filter(([, flat]) => flat[flat.indexOf("payload") + 1]?.includes(subject)).length;
  }

  it("rejects, saying the task may have been written, and is never written twice", async () => {
    proxy.dropNextReply();
    const lost = producer.enqueue("send_email", { to: "a@b.co", subject: "lost reply" });
    await expect(lost).rejects.toMatchObject({ code: "REDIS", message: /may or may not have been written/ });
    expect(proxy.dropped).toBe(1);
    await producer.enqueue("send_email", { to: "a@b.co", subject: "next" }); // reconnected
    expect(await entriesWithSubject("lost reply")).toBe(1);
  });

  it("retried with the same idempotency key, it resolves with the task written the first time", async () => {
    proxy.dropNextReply();
    const options = { idempotencyKey: "order-42" };
    await expect(
      producer.enqueue("send_email", { to: "a@b.co", subject: "keyed" }, options),
    ).rejects.toThrow();
    const retried = await producer.enqueue("send_email", { to: "a@b.co", subject: "keyed" }, options);
    expect(retried.deduplicated).toBe(true);
    expect(await entriesWithSubject("keyed")).toBe(1);
  });
});

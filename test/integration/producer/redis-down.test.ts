// A producer whose Redis is down fails each enqueue within its connect timeout with one line that
// names the URL and the fix; it logs one line when the outage starts and one when Redis is back,
// not one per reconnect attempt. Uses a throwaway redis-server on a free port, killed and restarted.
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createProducer, RedisError, type Producer } from "@jobgen/runtime";
import { registry } from "../../../generated/registry.js";
import { freePort, startRedisServer } from "../../support/ensure-redis.js";

const PAYLOAD = { to: "ann@example.com", subject: "Hi" };

let producer: Producer | undefined;
let server: Awaited<ReturnType<typeof startRedisServer>> | undefined;
afterEach(async () => {
  await producer?.close();
  server?.process.kill("SIGKILL");
  producer = undefined;
  server = undefined;
});

function capturedLogger(): { logger: pino.Logger; lines: () => { level: number; msg: string }[] } {
  const text: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text.push(chunk.toString());
      done();
    },
  });
  const logger = pino({ level: "info" }, sink);
  const lines = () =>
    text
      .join("")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as { level: number; msg: string });
  return { logger, lines };
}

const SERVER_ARGS = ["--save", "", "--appendonly", "no"];

describe("producer with Redis down", () => {
  it("before it ever connected: fails at once with one line naming the URL and the fix", async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const { logger, lines } = capturedLogger();
    producer = createProducer(registry, { redis: url, connectTimeout: "700ms", logger });
    const error = await producer.enqueue("send_email", PAYLOAD).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RedisError);
    expect((error as Error).message).toBe(
      `enqueue of task "send_email" failed: cannot connect to Redis at ${url}: ` +
        `connect ECONNREFUSED 127.0.0.1:${new URL(url).port} (ECONNREFUSED); ` +
        "start Redis there, or point REDIS_URL (or the `redis` option) at the Redis to use",
    );
    expect(lines()).toEqual([]);
  });

  it("an outage: each enqueue fails within connectTimeout, one line logged when it starts, one when over", async () => {
    const port = await freePort();
    server = await startRedisServer(SERVER_ARGS, port);
    const url = server.url;
    const { logger, lines } = capturedLogger();
    producer = createProducer(registry, { redis: url, connectTimeout: "700ms", logger });
    await producer.enqueue("send_email", PAYLOAD);

    server.process.kill("SIGKILL");
    await new Promise((resolve) => server?.process.once("exit", resolve));
    // Once the producer has seen the outage (its one warning), an enqueue waits for the connection
    // instead of going out on the dead one (that would be the ambiguous "closed before Redis answered").
    await expect.poll(() => lines().filter((line) => line.level >= 40).length, { timeout: 5_000 }).toBe(1);
    const started = Date.now();
    const error = await producer.enqueue("send_email", PAYLOAD).catch((caught: unknown) => caught);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(RedisError);
    const message = (error as Error).message;
    expect(message).not.toContain("\n");
    expect(message).toContain(`cannot connect to Redis at ${url}: `);
    expect(message).toContain("point REDIS_URL (or the `redis` option) at the Redis to use");
    expect(elapsed).toBeGreaterThanOrEqual(650);
    expect(elapsed).toBeLessThan(2500);

    // ioredis keeps reconnecting meanwhile; a second enqueue fails the same way, and nothing more is logged.
    await expect(producer.enqueue("send_email", PAYLOAD)).rejects.toThrow(/cannot connect to Redis/);
    const warnings = lines().filter((line) => line.level >= 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toMatch(
      new RegExp(`^cannot connect to Redis at ${url}: .*; retrying until it answers$`),
    );
    expect(JSON.stringify(lines())).not.toContain("stack");

    server = await startRedisServer(SERVER_ARGS, port);
    const active = producer;
    await expect
      .poll(
        async () =>
          await active.enqueue("send_email", PAYLOAD).then(
            () => "written",
            () => "failed",
          ),
        {
          timeout: 10_000,
          interval: 200,
        },
      )
      .toBe("written");
    expect(lines().filter((line) => line.msg === `connected to Redis at ${url} again`)).toHaveLength(1);
    expect(lines().filter((line) => line.level >= 40)).toHaveLength(1);
  }, 30_000);

  it("refuses a connectTimeout that is not a positive duration", () => {
    expect(() => createProducer(registry, { connectTimeout: "soon" })).toThrow(/connectTimeout/);
    expect(() => createProducer(registry, { connectTimeout: 0 })).toThrow(/connectTimeout/);
  });
});

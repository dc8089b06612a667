// The operations commands run as a user runs them: a spawned `node codegen/bin/jobgen.js`, the real Redis,
// the example schema, and a key prefix of this test's own.
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registry } from "../../../generated/index.js";
import { queueKeys } from "../../../runtime/redis/keys.js";
import { createProducer } from "../../../runtime/producer/producer.js";
import { argsToFields } from "../../../runtime/wire/codec.js";
import { runJobgen, type CliRun } from "../../support/cli.js";
import { addDeadLetter } from "../../support/dead-letters.js";
import { quietLogger } from "../../support/provider.js";
import { connect, deleteKeys, testRedisUrl, uniquePrefix } from "../../support/redis.js";

const defaultQueue = registry.queues.default!;
const validEmail = { to: "ann@example.com", subject: "Welcome" };

describe("jobgen operations CLI", () => {
  let redis: Redis;
  const prefixes: string[] = [];

  beforeAll(() => {
    redis = connect();
  });
  afterAll(async () => {
    for (const prefix of prefixes) {
      await deleteKeys(redis, prefix);
      await deleteKeys(redis, `{${prefix}`);
    }
    await redis.quit();
  });

  function prefixFor(label: string): string {
    const prefix = uniquePrefix(label);
    prefixes.push(prefix);
    return prefix;
  }

  function jobgen(prefix: string, ...args: string[]): Promise<CliRun> {
    return runJobgen([...args, "--schema", "schema.example.yaml", "--prefix", prefix], {
      REDIS_URL: testRedisUrl(),
    });
  }

  it("stats counts what was enqueued, per queue", async () => {
    const prefix = prefixFor("cli-stats");
    const producer = createProducer(registry, {
      redis: testRedisUrl(),
      keyPrefix: prefix,
      logger: quietLogger,
    });
    for (let i = 0; i < 3; i++) await producer.enqueue("send_email", { ...validEmail, subject: `n${i}` });
    await producer.enqueue("send_email", validEmail, { delay: "1h" });
    await producer.close();
    await addDeadLetter(redis, defaultQueue, prefix, {
      type: "send_email",
      payload: "{}",
      reason: "validation",
    });

    const json = await jobgen(prefix, "stats", "--json");
    expect(json.code).toBe(0);
    const stats = JSON.parse(json.stdout) as {
      queues: { queue: string; length: number; delayed: number; deadLetters: number }[];
    };
    expect(stats.queues.find((q) => q.queue === "default")).toMatchObject({
      length: 3,
      delayed: 1,
      deadLetters: 1,
    });
    expect(stats.queues.find((q) => q.queue === "critical")).toMatchObject({
      length: 0,
      delayed: 0,
      deadLetters: 0,
    });

    const text = await jobgen(prefix, "stats");
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^default\\s+${prefix}tasks\\s+3\\s+0\\s+1\\s+1\\s`, "m"));
  });

  it("stats shows the slots held and the tasks parked of each capped type", async () => {
    const prefix = prefixFor("cli-stats-caps");
    const slots = `${queueKeys(registry.queues.default!, prefix).slots}sync_inventory`;
    await redis.zadd(`${slots}:running`, Date.now() + 60_000, "w1/1-0", Date.now() - 1, "dead/2-0");
    await redis.rpush(`${slots}:parked`, "{}", "{}", "{}");
    const json = await jobgen(prefix, "stats", "--json");
    const { concurrencyCaps } = JSON.parse(json.stdout) as { concurrencyCaps: unknown[] };
    expect(concurrencyCaps).toEqual([
      { task: "sync_inventory", queue: "default", cap: 2, running: 1, parked: 3 },
    ]);
  });

  it("stats lists the schedules with their last tick and next run", async () => {
    const prefix = prefixFor("cli-stats-schedules");
    const tick = Date.UTC(2026, 0, 1, 5);
    await redis.hset(
      queueKeys(registry.queues.default!, prefix).schedules,
      "nightly_sales_report",
      String(tick),
    );
    const json = await jobgen(prefix, "stats", "--json");
    expect(json.code).toBe(0);
    const { schedules } = JSON.parse(json.stdout) as {
      schedules: { name: string; task: string; lastTick: string | null; nextRun: string | null }[];
    };
    expect(schedules.map((s) => [s.name, s.task, s.lastTick])).toEqual([
      ["nightly_sales_report", "generate_report", new Date(tick).toISOString()],
      ["storefront_stock", "sync_inventory", null],
    ]);
    // 06:00 in Berlin is 05:00 UTC in winter, 04:00 in summer; always in the future.
    const next = Date.parse(schedules[0]?.nextRun ?? "");
    expect(next).toBeGreaterThan(Date.now());
    expect([4, 5]).toContain(new Date(next).getUTCHours());
    const text = await jobgen(prefix, "stats");
    expect(text.stdout).toMatch(/^ {2}sync_inventory\s+default\s+2\s+0\s+0$/m);
    expect(text.stdout).toMatch(
      /nightly_sales_report\s+generate_report\s+cron "0 6 \* \* \*" Europe\/Berlin\s+last\s+2026-01-01T05:00:00.000Z/,
    );
    expect(text.stdout).toMatch(/storefront_stock\s+sync_inventory\s+every 2.0s\s+none\s+-\s+\d{4}-/);
  });

  it("enqueue writes a valid payload and refuses an invalid one with every issue and its path", async () => {
    const prefix = prefixFor("cli-enqueue");
    const stream = queueKeys(defaultQueue, prefix).stream;

    const ok = await jobgen(
      prefix,
      "enqueue",
      "send_email",
      "--payload",
      JSON.stringify(validEmail),
      "--json",
    );
    expect(ok.code).toBe(0);
    const task = JSON.parse(ok.stdout) as { id: string; queue: string };
    expect(task.queue).toBe("default");
    const entries = await redis.xrange(stream, "-", "+");
    expect(entries.map(([, raw]) => argsToFields(raw))).toMatchObject([
      { id: task.id, type: "send_email", payload: JSON.stringify(validEmail) },
    ]);

    const bad = await jobgen(
      prefix,
      "enqueue",
      "send_email",
      "--payload",
      '{"to":"nope","subject":42,"extra":1}',
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'jobgen: invalid payload for task "send_email" (3 issues); nothing was enqueued',
    );
    expect(bad.stderr).toMatch(/^ {2}to: /m);
    expect(bad.stderr).toMatch(/^ {2}subject: /m);
    expect(bad.stderr).not.toMatch(/\n\s+at /);

    const unknown = await jobgen(prefix, "enqueue", "send_emial", "--payload", "{}");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('did you mean "send_email"?');
    expect(await redis.xlen(stream)).toBe(1);
  });

  it("dlq list filters by type and reason; dlq show redacts x-sensitive fields", async () => {
    const prefix = prefixFor("cli-dlq-show");
    const failedId = await addDeadLetter(redis, defaultQueue, prefix, {
      type: "send_email",
      payload: JSON.stringify({ to: "secret.person@example.com", subject: "Invoice" }),
      reason: "max_retries",
      error: "SMTP 451 try later",
      retry: 5,
    });
    await addDeadLetter(redis, defaultQueue, prefix, {
      type: "resize_image",
      payload: "{}",
      reason: "validation",
    });

    const list = await jobgen(prefix, "dlq", "list", "--reason", "max_retries");
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`default/${failedId}`);
    expect(list.stdout).toContain("SMTP 451 try later");
    expect(list.stdout).not.toContain("resize_image");
    const byType = JSON.parse(
      (await jobgen(prefix, "dlq", "list", "--type", "resize_image", "--json")).stdout,
    ) as {
      entries: { type: string; reason: string }[];
    };
    expect(byType.entries).toMatchObject([{ type: "resize_image", reason: "validation" }]);

    const show = await jobgen(prefix, "dlq", "show", `default/${failedId}`);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('"to": "[REDACTED]"');
    expect(show.stdout).toContain('"subject": "Invoice"');
    expect(show.stdout).not.toContain("secret.person");
    const shown = JSON.parse((await jobgen(prefix, "dlq", "show", failedId, "--json")).stdout) as {
      payload: { to: string };
      fields: Record<string, string>;
    };
    expect(shown.payload.to).toBe("[REDACTED]");
    expect(JSON.stringify(shown.fields)).not.toContain("secret.person");

    const missing = await jobgen(prefix, "dlq", "show", "default/1-0");
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("dlq replay puts valid entries back on their stream and refuses still-invalid ones with their issues", async () => {
    const prefix = prefixFor("cli-dlq-replay");
    const keys = queueKeys(defaultQueue, prefix);
    await addDeadLetter(redis, defaultQueue, prefix, {
      type: "send_email",
      payload: JSON.stringify(validEmail),
      reason: "max_retries",
      retry: 5,
      id: "task-to-replay",
    });
    const invalidId = await addDeadLetter(redis, defaultQueue, prefix, {
      type: "send_email",
      payload: JSON.stringify({ to: "not-an-email", subject: "x" }),
      reason: "validation",
    });

    const replay = await jobgen(prefix, "dlq", "replay");
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain("replayed 1 of 2; 1 refused (left in the DLQ)");
    expect(replay.stdout).toContain(
      `refused default/${invalidId} (send_email): the payload is still invalid`,
    );
    expect(replay.stdout).toMatch(/to: Invalid email/);

    const stream = (await redis.xrange(keys.stream, "-", "+")).map(([, raw]) => argsToFields(raw));
    expect(stream).toHaveLength(1);
    expect(stream[0]).toMatchObject({
      id: "task-to-replay",
      retry: "0",
      payload: JSON.stringify(validEmail),
    });
    expect(Object.keys(stream[0] ?? {}).filter((k) => k.startsWith("dlq_"))).toEqual([]);
    const left = (await redis.xrange(keys.dlq, "-", "+")).map(([id]) => id);
    expect(left).toEqual([invalidId]);
  });

  it("dlq replay reports progress on stderr on long replays", async () => {
    const prefix = prefixFor("cli-dlq-replay-long");
    const keys = queueKeys(defaultQueue, prefix);
    const payload = JSON.stringify(validEmail);
    await Promise.all(
      Array.from({ length: 1200 }, () =>
        addDeadLetter(redis, defaultQueue, prefix, { type: "send_email", payload, reason: "max_retries" }),
      ),
    );

    const replay = await jobgen(prefix, "dlq", "replay", "--type", "send_email");
    expect(replay.code).toBe(0);
    expect(replay.stderr).toContain("replay: 1000 seen, 1000 replayed, 0 refused\n");
    expect(replay.stdout).toContain("replayed 1200 of 1200; 0 refused");
    expect(await redis.xlen(keys.stream)).toBe(1200);
    expect(await redis.xlen(keys.dlq)).toBe(0);
  });

  it("dlq purge refuses without --yes when not on a terminal, and purges with it", async () => {
    const prefix = prefixFor("cli-dlq-purge");
    const dlq = queueKeys(defaultQueue, prefix).dlq;
    await addDeadLetter(redis, defaultQueue, prefix, {
      type: "send_email",
      payload: "{}",
      reason: "validation",
    });
    await addDeadLetter(redis, defaultQueue, prefix, {
      type: "send_email",
      payload: "{}",
      reason: "permanent",
    });

    const refused = await jobgen(prefix, "dlq", "purge");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("refusing to purge without --yes");
    expect(await redis.xlen(dlq)).toBe(2);

    const filtered = await jobgen(prefix, "dlq", "purge", "--reason", "permanent", "--yes", "--json");
    expect(filtered.code).toBe(0);
    expect(JSON.parse(filtered.stdout)).toEqual({ purged: 1 });
    const all = await jobgen(prefix, "dlq", "purge", "--yes");
    expect(all.stdout).toContain("purged 1 dead-lettered task");
    expect(await redis.xlen(dlq)).toBe(0);
  });

  it("names the URL and the fix in one line when Redis is unreachable", async () => {
    const run = await runJobgen([
      "stats",
      "--schema",
      "schema.example.yaml",
      "--redis",
      "redis://127.0.0.1:1",
    ]);
    expect(run.code).toBe(4);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^jobgen: cannot reach Redis at redis:\/\/127\.0\.0\.1:1\/? \(connect ECONNREFUSED.*REDIS_URL$/,
    );
    expect(run.stdout).toBe("");
  });
});

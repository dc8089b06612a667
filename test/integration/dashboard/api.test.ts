// The dashboard's handler over HTTP against a real Redis: the page and its headers under a base
// path and under an Express-style mount, the read API, and the write guard (read-only, token,
// same-origin, JSON) in front of replay and purge.
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { CONTENT_SECURITY_POLICY, TOKEN_HEADER } from "../../../runtime/dashboard/index.js";
import { REDACTED } from "../../../runtime/observe/redact.js";
import { queueKeys } from "../../../runtime/redis/keys.js";
import type { TaskRegistry } from "../../../runtime/types.js";
import { serveDashboard, type ServedDashboard } from "../../support/dashboard.js";
import { addDeadLetter } from "../../support/dead-letters.js";
import { connect, deleteKeys, testRedisUrl, uniquePrefix } from "../../support/redis.js";
import { testRegistry } from "../../support/registry.js";

function registryWithSensitiveBody(): TaskRegistry {
  const base = testRegistry();
  const sendEmail = base.tasks.send_email!;
  return { ...base, tasks: { ...base.tasks, send_email: { ...sendEmail, sensitivePaths: [["body"]] } } };
}

const registry = registryWithSensitiveBody();
const defaultQueue = registry.queues.default!;
const TOKEN = "a-test-token-of-enough-length";

describe("dashboard API", () => {
  let redis: Redis;
  let prefix: string;
  let served: ServedDashboard | undefined;

  beforeAll(() => {
    redis = connect();
  });
  afterAll(async () => {
    await redis.quit();
  });
  afterEach(async () => {
    await served?.close();
    served = undefined;
    await deleteKeys(redis, prefix);
    await deleteKeys(redis, `{${prefix}`);
  });

  async function start(label: string, writes: boolean, mountAt?: string): Promise<string> {
    prefix = uniquePrefix(label);
    served = await serveDashboard(
      {
        registry,
        redis: testRedisUrl(),
        keyPrefix: prefix,
        allowWrites: writes,
        token: TOKEN,
        ...(mountAt === undefined ? { basePath: "/admin/jobs" } : {}),
      },
      mountAt,
    );
    return `${served.origin}${mountAt ?? "/admin/jobs"}`;
  }

  function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", [TOKEN_HEADER]: TOKEN, ...headers },
      body: JSON.stringify(body),
    });
  }

  it("serves the page under its base path with a strict CSP, and redirects the bare path", async () => {
    const base = await start("dash-page", false);
    const bare = await fetch(base, { redirect: "manual" });
    expect(bare.status).toBe(308);
    expect(bare.headers.get("location")).toBe("/admin/jobs/");
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain("unsafe");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    const html = await page.text();
    expect(html).toContain('<script src="app.js" defer></script>');
    expect(html).not.toMatch(/<script>|<style>| on[a-z]+=/);
    const script = await fetch(`${base}/app.js`);
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await script.text()).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    expect((await fetch(`${served!.origin}/elsewhere`)).status).toBe(404);
  });

  it("works where the framework strips its mount path (Express's app.use)", async () => {
    const base = await start("dash-mount", false, "/ops/queues");
    const bare = await fetch(base, { redirect: "manual" });
    expect(bare.headers.get("location")).toBe("/ops/queues/");
    expect((await fetch(`${base}/`)).status).toBe(200);
    const overview = (await (await fetch(`${base}/api/overview`)).json()) as { queues: unknown[] };
    expect(overview.queues).toHaveLength(2);
  });

  it("reads queue stats, task types, a DLQ page and one entry with redaction and today's verdict", async () => {
    const base = await start("dash-read", false);
    const keys = queueKeys(defaultQueue, prefix);
    await redis.xadd(keys.stream, "*", "type", "send_email", "payload", "{}");
    const bad = await addDeadLetter(redis, defaultQueue, prefix, {
      type: "send_email",
      payload: JSON.stringify({ to: "not-an-email", subject: "hi", body: "secret text" }),
      reason: "validation",
      details: { issues: [{ path: ["to"], message: "Invalid email address" }] },
    });
    await addDeadLetter(redis, defaultQueue, prefix, {
      type: "send_email",
      payload: JSON.stringify({ to: "ann@example.com", subject: "hi" }),
      reason: "max_retries",
      retry: 5,
    });

    const overview = (await (await fetch(`${base}/api/overview`)).json()) as {
      writable: boolean;
      queues: { queue: string; length: number; deadLetters: number }[];
    };
    expect(overview.writable).toBe(false);
    expect(overview.queues.find((q) => q.queue === "default")).toMatchObject({ length: 1, deadLetters: 2 });

    const tasks = (await (await fetch(`${base}/api/tasks`)).json()) as {
      tasks: {
        name: string;
        policy: { maxRetries?: number };
        schema: unknown;
        counts: { deadLetters: number };
      }[];
    };
    const sendEmail = tasks.tasks.find((t) => t.name === "send_email")!;
    expect(sendEmail.policy.maxRetries).toBe(5);
    expect(sendEmail.counts.deadLetters).toBe(2);
    expect(sendEmail.schema).toMatchObject({ type: "object", required: ["to", "subject"] });

    const page = (await (await fetch(`${base}/api/dlq?reason=validation`)).json()) as {
      entries: { ref: string; reason: string }[];
      nextCursor: string | null;
      inDeadLetterQueues: number;
    };
    expect(page.entries.map((e) => e.ref)).toEqual([`default/${bad}`]);
    expect(page.inDeadLetterQueues).toBe(2);

    const shown = (await (await fetch(`${base}/api/dlq/entry?ref=default/${bad}`)).json()) as {
      entry: { payload: { body: string }; fields: { payload: string }; details: unknown };
      check: { ok: boolean; issues: { path: string[] }[] };
      attempts: number | null;
    };
    expect(shown.entry.payload.body).toBe(REDACTED);
    expect(shown.entry.fields.payload).not.toContain("secret text");
    expect(shown.entry.details).toEqual({ issues: [{ path: ["to"], message: "Invalid email address" }] });
    expect(shown.attempts).toBe(0);
    expect(shown.check.ok).toBe(false);
    expect(shown.check.issues.map((i) => i.path)).toEqual([["to"]]);

    expect((await fetch(`${base}/api/dlq/entry?ref=default/1-0`)).status).toBe(404);
    expect((await fetch(`${base}/api/dlq/entry?ref=nowhere/1-0`)).status).toBe(400);
    expect((await fetch(`${base}/api/dlq?count=100000`)).status).toBe(400);
  });

  it("judges an entry of an earlier payload version against that version's schema", async () => {
    prefix = uniquePrefix("dash-versions");
    const base = testRegistry();
    const sendEmail = base.tasks.send_email!;
    const versioned: TaskRegistry = {
      ...base,
      tasks: {
        ...base.tasks,
        send_email: {
          ...sendEmail,
          version: 2,
          validator: z.object({ recipient: z.email(), subject: z.string() }),
          previousVersions: { 1: { validator: sendEmail.validator } },
        },
      },
    };
    served = await serveDashboard({ registry: versioned, redis: testRedisUrl(), keyPrefix: prefix });
    const dlq = queueKeys(defaultQueue, prefix).dlq;
    const write = (payload: unknown, version: string) =>
      redis.xadd(
        dlq,
        "*",
        "type",
        "send_email",
        "payload",
        JSON.stringify(payload),
        "payload_version",
        version,
        "dlq_reason",
        "max_retries",
        "dlq_error",
        "boom",
      );
    const old = await write({ to: "ann@example.com", subject: "hi" }, "1");
    const gone = await write({ to: "ann@example.com", subject: "hi" }, "7");
    const check = async (id: string | null) =>
      (
        (await (await fetch(`${served!.origin}/api/dlq/entry?ref=default/${id}`)).json()) as {
          check: unknown;
        }
      ).check;
    expect(await check(old)).toEqual({ ok: true, queue: "default", version: 1, currentVersion: 2 });
    expect(await check(gone)).toMatchObject({
      ok: false,
      message: expect.stringContaining("payload version 7"),
    });
  });

  it("refuses every write when read-only, even with the token", async () => {
    const base = await start("dash-readonly", false);
    const entry = await addDeadLetter(redis, defaultQueue, prefix, {
      type: "send_email",
      payload: JSON.stringify({ to: "ann@example.com", subject: "hi" }),
      reason: "max_retries",
    });
    const replay = await post(`${base}/api/replay`, { ref: `default/${entry}` });
    expect(replay.status).toBe(403);
    expect(((await replay.json()) as { error: string }).error).toContain("read-only");
    expect((await post(`${base}/api/purge`, { confirm: true })).status).toBe(403);
    expect(await redis.xlen(queueKeys(defaultQueue, prefix).dlq)).toBe(1);
  });

  it("takes a write only with the token, as JSON, from its own origin; then replays and purges", async () => {
    const base = await start("dash-writes", true);
    const keys = queueKeys(defaultQueue, prefix);
    const good = await addDeadLetter(redis, defaultQueue, prefix, {
      type: "send_email",
      payload: JSON.stringify({ to: "ann@example.com", subject: "hi" }),
      reason: "max_retries",
    });
    await addDeadLetter(redis, defaultQueue, prefix, {
      type: "send_email",
      payload: JSON.stringify({ to: "nope", subject: "hi" }),
      reason: "validation",
    });
    const body = { ref: `default/${good}` };
    const refusals = [
      await post(`${base}/api/replay`, body, { [TOKEN_HEADER]: "" }),
      await post(`${base}/api/replay`, body, { [TOKEN_HEADER]: `${TOKEN}x` }),
      await post(`${base}/api/replay`, body, { origin: "http://evil.example" }),
      await post(`${base}/api/replay`, body, { "sec-fetch-site": "cross-site" }),
      await post(`${base}/api/replay`, body, { "content-type": "text/plain" }),
    ];
    expect(refusals.map((r) => r.status)).toEqual([401, 401, 403, 403, 415]);
    // An empty body is not "everything": replaying all takes "all": true.
    const unsaid = await post(`${base}/api/replay`, {});
    expect(unsaid.status).toBe(400);
    expect(((await unsaid.json()) as { error: string }).error).toContain('"all": true');
    expect(await redis.xlen(keys.stream)).toBe(0);

    const started = (await (await post(`${base}/api/replay`, body, { origin: served!.origin })).json()) as {
      id: string;
    };
    let job: { done: boolean; replayed: number; refused: number } = { done: false, replayed: 0, refused: 0 };
    for (let i = 0; i < 100 && !job.done; i++) {
      job = (await (await fetch(`${base}/api/replay?id=${started.id}`)).json()) as typeof job;
      if (!job.done) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(job).toMatchObject({ done: true, replayed: 1, refused: 0 });
    expect(await redis.xlen(keys.stream)).toBe(1);
    expect(await redis.xlen(keys.dlq)).toBe(1);

    expect((await post(`${base}/api/purge`, { reason: "validation" })).status).toBe(400);
    const purged = (await (
      await post(`${base}/api/purge`, { reason: "validation", confirm: true })
    ).json()) as {
      purged: number;
    };
    expect(purged.purged).toBe(1);
    expect(await redis.xlen(keys.dlq)).toBe(0);
  });
});

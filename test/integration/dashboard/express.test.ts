// The dashboard mounted in a real Express 5 app, after `express.json()` (which reads the body before
// the dashboard sees it): the page, the API, and a write with the token.
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express from "express";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDashboard, TOKEN_HEADER, type Dashboard } from "../../../runtime/dashboard/index.js";
import { queueKeys } from "../../../runtime/redis/keys.js";
import { addDeadLetter } from "../../support/dead-letters.js";
import { connect, deleteKeys, testRedisUrl, uniquePrefix } from "../../support/redis.js";
import { testRegistry } from "../../support/registry.js";

const TOKEN = "express-test-token-0123456789";

describe("dashboard in Express", () => {
  const registry = testRegistry();
  const prefix = uniquePrefix("dash-express");
  let redis: Redis;
  let dashboard: Dashboard;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    redis = connect();
    dashboard = createDashboard({
      registry,
      redis: testRedisUrl(),
      keyPrefix: prefix,
      allowWrites: true,
      token: TOKEN,
    });
    const app = express();
    app.use(express.json());
    app.use("/ops/jobs", dashboard);
    app.get("/health", (_req, res) => void res.send("ok"));
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await dashboard.close();
    await deleteKeys(redis, prefix);
    await deleteKeys(redis, `{${prefix}`);
    await redis.quit();
  });

  it("serves the page and the API under the mount path, and leaves other routes to the app", async () => {
    const bare = await fetch(`${base}/ops/jobs`, { redirect: "manual" });
    expect(bare.status).toBe(308);
    expect(bare.headers.get("location")).toBe("/ops/jobs/");
    const page = await fetch(`${base}/ops/jobs/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    const overview = (await (await fetch(`${base}/ops/jobs/api/overview`)).json()) as { queues: unknown[] };
    expect(overview.queues).toHaveLength(2);
    expect(await (await fetch(`${base}/health`)).text()).toBe("ok");
  });

  it("takes a write whose body express.json() parsed first", async () => {
    const queue = registry.queues.default!;
    const entry = await addDeadLetter(redis, queue, prefix, {
      type: "send_email",
      payload: JSON.stringify({ to: "ann@example.com", subject: "hi" }),
      reason: "max_retries",
    });
    const write = (body: unknown) =>
      fetch(`${base}/ops/jobs/api/purge`, {
        method: "POST",
        headers: { "content-type": "application/json", [TOKEN_HEADER]: TOKEN },
        body: JSON.stringify(body),
      });
    expect((await write({ reason: "validation", confirm: true })).status).toBe(200);
    expect(await redis.xlen(queueKeys(queue, prefix).dlq)).toBe(1);
    expect(await (await write({ reason: "max_retries", confirm: true })).json()).toEqual({ purged: 1 });
    expect(await redis.xrange(queueKeys(queue, prefix).dlq, entry, entry)).toEqual([]);
  });
});

// startDashboardServer, as `jobgen dashboard` runs it: bound to 127.0.0.1 by default, and answering
// only requests addressed to a loopback name (a DNS-rebound page cannot reach it).
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDashboardServer, type DashboardServer } from "../../../runtime/dashboard/index.js";
import { testRedisUrl, uniquePrefix } from "../../support/redis.js";
import { testRegistry } from "../../support/registry.js";

/** GET `path` with the given Host header; resolves to the status code. */
function statusFor(server: DashboardServer, path: string, host: string): Promise<number> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once("error", reject);
    req.end();
  });
}

describe("dashboard server", () => {
  let server: DashboardServer;

  beforeAll(async () => {
    server = await startDashboardServer({
      registry: testRegistry(),
      redis: testRedisUrl(),
      keyPrefix: uniquePrefix("dash-server"),
      port: 0,
      basePath: "/jobs",
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it("binds 127.0.0.1 and prints the page's URL under its base path", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/jobs\/$/);
    expect(server.dashboard.token).toBeUndefined();
  });

  it("answers loopback Host names only", async () => {
    const { port } = new URL(server.url);
    expect(await statusFor(server, "/jobs/", `127.0.0.1:${port}`)).toBe(200);
    expect(await statusFor(server, "/jobs/", `localhost:${port}`)).toBe(200);
    expect(await statusFor(server, "/jobs/", `[::1]:${port}`)).toBe(200);
    expect(await statusFor(server, "/jobs/api/overview", `attacker.example:${port}`)).toBe(421);
    expect(await statusFor(server, "/jobs/", "127.0.0.1.attacker.example")).toBe(421);
  });
});

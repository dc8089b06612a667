// `npm run demo` as the README runs it, against the tests' Redis: its summary names each outcome.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/cli.js";
import { testRedisUrl } from "../support/redis.js";

function runDemo(
  env: Readonly<Record<string, string>>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["node_modules/.bin/tsx", "scripts/demo.ts"], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run demo", () => {
  it(
    "shows done, retried then done, and dead-lettered with the reason, then exits 0",
    { timeout: 90_000 },
    async () => {
      const run = await runDemo({ REDIS_URL: testRedisUrl() });
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      const summary = run.stdout.slice(run.stdout.indexOf("4. what happened to each task"));
      expect(summary).toMatch(/send_email\s+typed\s+\w+ {2}done\n[^\n]*send_email\s+typed\s+\w+ {2}done\n/);
      expect(summary).toMatch(/resize_image\s+typed\s+\w+ {2}retried then done \(2 attempts\)/);
      expect(summary).toMatch(
        /webhook\.deliver\s+typed\s+\w+ {2}dead-lettered \(max_retries\) after 3 handler attempts: endpoint answered 503/,
      );
      expect(summary).toMatch(
        /send_email\s+raw XADD\s+\w+ {2}dead-lettered \(validation\) after 0 handler attempts: subject: .*; to: Invalid email/,
      );
      expect(summary).toMatch(/jobgen_tasks_processed_total\{type="resize_image",outcome="success"\} 1/);
      const policies = run.stdout.slice(run.stdout.indexOf("5. policies from the schema at work"));
      expect(policies).toMatch(
        /concurrency: 2 +4 sync_inventory enqueued at once; at most 2 ran at the same time/,
      );
      expect(policies).toMatch(/rateLimit 5\/s +6 webhook\.deliver to one endpoint started at \+0, /);
      expect(policies).toMatch(/storefront_stock enqueued storefront_stock@/);
      expect(policies).toMatch(
        /jobgen_tasks_throttled_total\{type="sync_inventory",policy="concurrency"\} \d+/,
      );
      const change = run.stdout.slice(run.stdout.indexOf("7. a schema change"));
      expect(change).toContain(
        "breaking (backward): send_email: payload.locale added as required: an old task",
      );
      expect(change).toContain(
        'breaking (full): send_email: payload.locale added as required (default "en"): forward:',
      );
    },
  );

  it(
    "says in one line how to fix an unreachable Redis when no redis-server can be started",
    { timeout: 60_000 },
    async () => {
      const run = await runDemo({ REDIS_URL: "redis://127.0.0.1:1", PATH: "/nonexistent" });
      expect(run.code).toBe(4);
      expect(run.stderr.trim().split("\n")).toEqual([
        "demo: no Redis answers at redis://127.0.0.1:1; start one (docker run -p 6379:6379 redis:7, or apt-get install -y redis-server) or set REDIS_URL",
      ]);
    },
  );

  it(
    "with --dashboard, prints the dashboard's URL and serves it until Ctrl-C",
    { timeout: 90_000 },
    async () => {
      const child = spawn(process.execPath, ["node_modules/.bin/tsx", "scripts/demo.ts", "--dashboard"], {
        cwd: REPO_ROOT,
        env: { ...process.env, REDIS_URL: testRedisUrl() },
      });
      let stdout = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      const shown = /the dashboard over these queues: (http:\/\/127\.0\.0\.1:\d+\/)#token=\S+/;
      while (!shown.test(stdout)) await once(child.stdout, "data");
      const url = shown.exec(stdout)![1]!;
      expect((await fetch(url)).status).toBe(200);
      const dead = (await (await fetch(`${url}api/dlq?reason=validation`)).json()) as {
        entries: { type: string }[];
      };
      expect(dead.entries.map((e) => e.type)).toEqual(["send_email"]);
      child.kill("SIGINT");
      const [code] = (await once(child, "exit")) as [number | null];
      expect(code).toBe(0);
    },
  );
});

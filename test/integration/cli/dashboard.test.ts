// `jobgen dashboard` as a user runs it: the compiled CLI, the example schema, a free port; it prints
// the link with the write token, serves the schema's task types as written, takes a write with the
// token, and stops cleanly on SIGINT.
import { spawn } from "node:child_process";
import { once } from "node:events";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runJobgen } from "../../support/cli.js";
import { connect, deleteKeys, testRedisUrl, uniquePrefix } from "../../support/redis.js";

describe("jobgen dashboard", () => {
  let redis: Redis;
  const prefix = uniquePrefix("cli-dashboard");

  beforeAll(() => {
    redis = connect();
  });
  afterAll(async () => {
    await deleteKeys(redis, prefix);
    await deleteKeys(redis, `{${prefix}`);
    await redis.quit();
  });

  it("serves the schema's task types, takes a token-carrying write, and stops on SIGINT", async () => {
    const child = spawn(
      process.execPath,
      [
        "codegen/bin/jobgen.js",
        "dashboard",
        "--schema",
        "schema.example.yaml",
        "--prefix",
        prefix,
        "--port",
        "0",
        "--allow-writes",
        "--json",
      ],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, REDIS_URL: testRedisUrl() },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    while (!stdout.includes("}")) await once(child.stdout, "data");
    const started = JSON.parse(stdout) as { url: string; link: string; token: string };
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(started.link).toBe(`${started.url}#token=${started.token}`);

    const tasks = (await (await fetch(`${started.url}api/tasks`)).json()) as {
      tasks: { name: string; schemaSource: string; schema: { properties: Record<string, unknown> } }[];
    };
    const sendEmail = tasks.tasks.find((t) => t.name === "send_email")!;
    expect(sendEmail.schemaSource).toBe("schema.json");
    expect(sendEmail.schema.properties.to).toMatchObject({ format: "email", "x-sensitive": true });

    const purge = (body: unknown, token: string) =>
      fetch(`${started.url}api/purge`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-jobgen-token": token },
        body: JSON.stringify(body),
      });
    expect((await purge({ confirm: true }, "wrong-token")).status).toBe(401);
    expect(await (await purge({ confirm: true }, started.token)).json()).toEqual({ purged: 0 });

    child.kill("SIGINT");
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(0);
  });

  it("refuses a port that is not a number, naming the option", async () => {
    const run = await runJobgen(["dashboard", "--schema", "schema.example.yaml", "--port", "web"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--port must be an integer from 0 to 65535, got "web"');
  });
});

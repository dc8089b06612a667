// The packages as a user installs them: `npm pack` both workspaces, install the tarballs into fresh
// apps outside this repository (ESM and CommonJS; TypeScript nodenext and bundler; strict,
// exactOptionalPropertyTypes and noUncheckedIndexedAccess on; the lowest supported TypeScript
// major and the current one), then in each: `npx jobgen init`, `npx jobgen`, compile a producer and
// a worker with tsc, and process one task against Redis; mount the dashboard and read it once.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, deleteKeys, testRedisUrl, uniquePrefix } from "../support/redis.js";
import { APPS, type ConsumerApp } from "./apps.js";
import { DASHBOARD_SOURCE, PRODUCER_SOURCE, WORKER_SOURCE } from "./sources.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "jobgen-consumer-"));
const tarballs = { runtime: "", cli: "" };

function run(
  cwd: string,
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): string {
  try {
    return execFileSync(command, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${command} ${args.join(" ")} failed in ${cwd}:\n${e.stdout ?? ""}\n${e.stderr ?? e.message}`,
    );
  }
}

beforeAll(() => {
  const packs = join(work, "packs");
  mkdirSync(packs);
  run(ROOT, "npm", [
    "pack",
    "--silent",
    "-w",
    "@jobgen/runtime",
    "-w",
    "jobgen",
    "--pack-destination",
    packs,
  ]);
  for (const file of readdirSync(packs)) {
    if (file.startsWith("jobgen-runtime-")) tarballs.runtime = join(packs, file);
    else if (file.startsWith("jobgen-")) tarballs.cli = join(packs, file);
  }
  expect(tarballs.runtime, "runtime tarball").not.toBe("");
  expect(tarballs.cli, "CLI tarball").not.toBe("");
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

async function waitFor(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Runs the compiled worker until it has handled one task the compiled producer enqueued. */
async function processOneTask(dir: string, app: ConsumerApp): Promise<string> {
  const prefix = uniquePrefix(`consumer-${app.name}`);
  const env = { ...process.env, REDIS_URL: testRedisUrl(), JOBGEN_PREFIX: prefix };
  const redis = connect();
  try {
    const worker = spawn(process.execPath, [join("out", "src", "worker.js")], {
      cwd: dir,
      env,
      stdio: "pipe",
    });
    let output = "";
    worker.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    worker.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => worker.on("exit", resolve));
    await waitFor(() => output.includes("worker started"), 20_000);
    run(dir, process.execPath, [join("out", "src", "producer.js")], env);
    const timer = setTimeout(() => worker.kill("SIGKILL"), 30_000);
    const code = await exited;
    clearTimeout(timer);
    expect(code, output).toBe(0);
    return output;
  } finally {
    await deleteKeys(redis, prefix);
    redis.disconnect();
  }
}

describe.each(APPS)("a fresh $name app", (app) => {
  const dir = join(work, app.name);

  it("installs the packed packages, generates, compiles and processes a task", async () => {
    mkdirSync(dir);
    writeFileSync(join(dir, "package.json"), JSON.stringify(app.packageJson(), null, 2));
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(app.tsconfig(), null, 2));
    run(dir, "npm", ["install", "--no-audit", "--no-fund", "--silent", tarballs.runtime]);
    run(dir, "npm", [
      "install",
      "--no-audit",
      "--no-fund",
      "--silent",
      "-D",
      tarballs.cli,
      `typescript@${app.typescript}`,
      "@types/node@20",
    ]);
    run(dir, "npx", ["jobgen", "init"]);
    expect(run(dir, "npx", ["jobgen"])).toContain("generated/");
    run(dir, "npx", ["jobgen", "check"]);
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "src", "producer.ts"), PRODUCER_SOURCE(app.module));
    writeFileSync(join(dir, "src", "worker.ts"), WORKER_SOURCE(app.module));
    writeFileSync(join(dir, "src", "dashboard.ts"), DASHBOARD_SOURCE(app.module));
    run(dir, "npx", ["tsc", "-p", "tsconfig.json"]);
    const output = await processOneTask(dir, app);
    expect(output).toContain("handled send_email for ann@example.com");
    const dashboard = run(dir, process.execPath, [join("out", "src", "dashboard.js")], {
      ...process.env,
      REDIS_URL: testRedisUrl(),
      JOBGEN_PREFIX: uniquePrefix(`consumer-dashboard-${app.name}`),
    });
    expect(dashboard).toContain("dashboard page 200 text/html; charset=utf-8; api/tasks 200: send_email");
  }, 300_000);
});

// The jobgen CLI as users run it: the compiled `node codegen/bin/jobgen.js ...` in a scratch directory.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");
const BIN = join(ROOT, "codegen/bin/jobgen.js");

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "jobgen-cli-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function jobgen(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("jobgen CLI", () => {
  it("init writes a starter schema, refuses to overwrite it, and the result validates and generates", () => {
    expect(jobgen("init")).toMatchObject({
      status: 0,
      stdout: "jobgen: wrote jobs.yaml; next: jobgen generate jobs.yaml\n",
    });
    const again = jobgen("init");
    expect(again.status).toBe(2);
    expect(again.stderr).toBe("jobgen: jobs.yaml already exists; pass --force to overwrite it\n");
    expect(jobgen("init", "--force").status).toBe(0);

    expect(jobgen("validate")).toMatchObject({
      status: 0,
      stdout: "jobgen: jobs.yaml is valid: 1 task, 1 queue, 1 shared type\n",
    });
    const generated = jobgen("generate");
    expect(generated.status).toBe(0);
    expect(readdirSync(join(dir, "generated")).sort()).toContain("enqueue.ts");
    expect(readFileSync(join(dir, "generated/enqueue.ts"), "utf8")).toContain('from "@jobgen/runtime"');
  }, 60_000);

  it("generate with --out and --runtime; check passes on fresh output", () => {
    cpSync(join(ROOT, "schema.example.yaml"), join(dir, "schema.yaml"));
    expect(
      jobgen("generate", "schema.yaml", "--out", "client", "--runtime", "@acme/jobs-runtime").status,
    ).toBe(0);
    expect(readFileSync(join(dir, "client/worker.ts"), "utf8")).toContain('from "@acme/jobs-runtime"');
    expect(
      jobgen("check", "schema.yaml", "--out", "client", "--runtime", "@acme/jobs-runtime"),
    ).toMatchObject({
      status: 0,
      stdout: "jobgen: client/ is up to date with schema.yaml\n",
    });
  }, 60_000);

  it("check: a stale, a missing and an extra file → exit 1, names them, prints a diff", () => {
    cpSync(join(ROOT, "schema.example.yaml"), join(dir, "jobs.yaml"));
    expect(jobgen("generate").status).toBe(0);
    const registry = join(dir, "generated/registry.ts");
    writeFileSync(registry, readFileSync(registry, "utf8").replace("maxRetries: 5", "maxRetries: 6"));
    rmSync(join(dir, "generated/worker.ts"));
    writeFileSync(join(dir, "generated/old.ts"), "export {};\n");
    const result = jobgen("check");
    expect(result.status).toBe(1);
    expect(result.stderr.split("\n")[0]).toBe(
      "jobgen: generated/ does not match jobs.yaml (stale: registry.ts; missing: worker.ts; extra: old.ts)",
    );
    expect(result.stderr).toContain("-      maxRetries: 6,");
    expect(result.stderr).toContain("+      maxRetries: 5,");
    expect(result.stderr).toContain("update it with: jobgen generate jobs.yaml --out generated");
  }, 60_000);

  it("check fails when the schema changed since the last generate", () => {
    cpSync(join(ROOT, "schema.example.yaml"), join(dir, "jobs.yaml"));
    expect(jobgen("generate").status).toBe(0);
    writeFileSync(
      join(dir, "jobs.yaml"),
      readFileSync(join(dir, "jobs.yaml"), "utf8").replace("timeout: 10s", "timeout: 11s"),
    );
    const result = jobgen("check");
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/stale: .*registry\.ts/);
  }, 60_000);

  it("validate prints every error with its position, exit 1, no stack trace", () => {
    writeFileSync(
      join(dir, "jobs.yaml"),
      "version: 1\ntasks:\n  Bad: { payload: {} }\n  ok: { queue: nope, payload: {} }\n",
    );
    const result = jobgen("validate");
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr.split("\n")).toEqual([
      "jobgen: jobs.yaml has 2 schema errors:",
      'jobs.yaml:3:3: bad task name "Bad"',
      "  hint: task names match [a-z][a-z0-9_.-]* (send_email, billing.invoice-created)",
      'jobs.yaml:4:16: unknown queue "nope"',
      "  hint: declared queues: default",
      "",
    ]);
    // generate refuses the same schema the same way, and writes nothing.
    expect(jobgen("generate").status).toBe(1);
    expect(existsSync(join(dir, "generated"))).toBe(false);
  }, 60_000);

  it("a missing schema file is one clear line (exit 2)", () => {
    const result = jobgen("generate", "nope.yaml");
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'jobgen: cannot read schema file "nope.yaml": no such file\ncreate one with: jobgen init nope.yaml\n',
    );
  });

  it("bad arguments exit 2; --help documents examples and exit codes on every command", () => {
    expect(jobgen("generate", "--bogus").status).toBe(2);
    for (const command of ["generate", "check", "validate", "init"]) {
      const help = jobgen(command, "--help");
      expect(help.status).toBe(0);
      expect(help.stdout).toContain("Example");
      expect(help.stdout).toContain("Exit codes:");
    }
    expect(jobgen("--help").stdout).toMatch(/generate[\s\S]*check[\s\S]*validate[\s\S]*init/);
  }, 60_000);
});

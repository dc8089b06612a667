// `jobgen diff` and `jobgen check --against` as a user runs them (the compiled CLI): positioned lines with fixes, JSON,
// git revisions as inputs, and the exit codes 0 (compatible), 1 (breaking) and 2 (usage).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const BIN = resolve(import.meta.dirname, "../../../codegen/bin/jobgen.js");

const V1 = `version: 1
tasks:
  send_email:
    maxRetries: 3
    payload:
      type: object
      required: [to]
      additionalProperties: false
      properties:
        to: { type: string }
`;

/** V1 with a required property without a default (breaks backward) and more retries (safe). */
const V2 = V1.replace("maxRetries: 3", "maxRetries: 5")
  .replace("required: [to]", "required: [to, locale]")
  .replace("to: { type: string }", "to: { type: string }\n        locale: { type: string }");

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "jobgen-diff-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function run(command: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd: dir, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
const jobgen = (...args: string[]) => run(process.execPath, BIN, ...args);

describe("jobgen diff", () => {
  it("prints each change at its line in the new file, with the fix, and exits 1 when one breaks", () => {
    writeFileSync(join(dir, "old.yaml"), V1);
    writeFileSync(join(dir, "new.yaml"), V2);
    const result = jobgen("diff", "old.yaml", "new.yaml");
    expect(result.status).toBe(1);
    expect(result.stdout.split("\n")).toEqual([
      "new.yaml:4:5: safe (backward): send_email: maxRetries 3 → 5: retries, timeout and backoff change how a task runs, not whether it is read",
      "new.yaml:11:9: breaking (backward): send_email: payload.locale added as required: an old task that lacks payload.locale is refused by new workers",
      "  fix: give payload.locale a default, or declare version 2 with an upcast (keep the old payload under previous)",
      "",
    ]);
    expect(result.stderr).toContain("jobgen: 1 breaking, 1 safe (backward): NOT compatible");
  });

  it("exits 0 when every change is safe in the mode, and judges the other direction with --mode", () => {
    writeFileSync(join(dir, "old.yaml"), V1);
    writeFileSync(
      join(dir, "new.yaml"),
      V2.replace("locale: { type: string }", 'locale: { type: string, default: "en" }'),
    );
    const backward = jobgen("diff", "old.yaml", "new.yaml");
    expect(backward.status).toBe(0);
    expect(backward.stdout).toContain("jobgen: 0 breaking, 2 safe (backward): compatible");
    const full = jobgen("diff", "old.yaml", "new.yaml", "--mode", "full");
    expect(full.status).toBe(1);
    expect(full.stdout).toContain(
      'breaking (full): send_email: payload.locale added as required (default "en"): forward: a new task that carries payload.locale is refused by old workers (additionalProperties: false)',
    );
    expect(full.stdout).toContain("  fix: deploy every worker before any producer");
  });

  it("--json gives every change with its position, rule, category and both directions", () => {
    writeFileSync(join(dir, "old.yaml"), V1);
    writeFileSync(join(dir, "new.yaml"), V2);
    const result = jobgen("diff", "old.yaml", "new.yaml", "--json");
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as { compatible: boolean; changes: Record<string, unknown>[] };
    expect(report).toMatchObject({
      mode: "backward",
      old: "old.yaml",
      new: "new.yaml",
      compatible: false,
      breaking: 1,
      safe: 1,
    });
    expect(report.changes[1]).toMatchObject({
      file: "new.yaml",
      line: 11,
      col: 9,
      task: "send_email",
      rule: "PROPERTY_ADDED",
      category: "payload",
      severity: "breaking",
      fix: expect.stringContaining("give payload.locale a default"),
      backward: { breaking: true },
      forward: { breaking: true, fix: "deploy every worker before any producer" },
    });
  });

  it("reads <git-ref>:<path>, and `check --against <ref>` is the same gate in CI", () => {
    expect(run("git", "init", "-q").status).toBe(0);
    writeFileSync(join(dir, "jobs.yaml"), V1);
    run("git", "add", "jobs.yaml");
    expect(run("git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "v1").status).toBe(0);
    writeFileSync(join(dir, "jobs.yaml"), V2);
    const diff = jobgen("diff", "HEAD:jobs.yaml", "jobs.yaml");
    expect(diff.status).toBe(1);
    expect(diff.stdout).toContain("jobs.yaml:11:9: breaking (backward)");
    expect(jobgen("diff", "HEAD:jobs.yaml", "HEAD:jobs.yaml").status).toBe(0);

    expect(jobgen("generate").status).toBe(0);
    const check = jobgen("check", "--against", "HEAD");
    expect(check.status).toBe(1);
    expect(check.stdout).toContain("breaking (backward): send_email: payload.locale added as required");
    writeFileSync(join(dir, "jobs.yaml"), V1.replace("maxRetries: 3", "maxRetries: 4"));
    expect(jobgen("generate").status).toBe(0);
    expect(jobgen("check", "--against", "HEAD").status).toBe(0);
  });

  it("usage errors exit 2: a bad mode, a missing file, an unknown revision, a schema with errors", () => {
    writeFileSync(join(dir, "old.yaml"), V1);
    writeFileSync(join(dir, "bad.yaml"), V1.replace("maxRetries: 3", "maxRetries: lots"));
    expect(jobgen("diff", "old.yaml", "old.yaml", "--mode", "sideways")).toMatchObject({
      status: 2,
      stderr: expect.stringContaining("Allowed choices are backward, forward, full"),
    });
    expect(jobgen("diff", "old.yaml", "missing.yaml")).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('cannot read schema file "missing.yaml": no such file'),
    });
    expect(jobgen("diff", "nosuchref:old.yaml", "old.yaml")).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('cannot read schema "nosuchref:old.yaml" from git'),
    });
    expect(jobgen("diff", "old.yaml", "bad.yaml")).toMatchObject({
      status: 2,
      stderr: expect.stringContaining("bad.yaml:4:17: maxRetries must be a whole number"),
    });
  });
});

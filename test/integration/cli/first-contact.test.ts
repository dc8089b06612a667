// A newcomer's first mistakes with the CLI: a mistyped command, a dead-letter reason that does not
// exist, and the help of each dlq subcommand. Run as a user does (the compiled CLI).
import { describe, expect, it } from "vitest";
import { DEAD_LETTER_REASONS } from "@jobgen/runtime/contract";
import { runJobgen } from "../../support/cli.js";

describe("jobgen first contact", () => {
  it("`jobgen stat` suggests stats instead of reading stat as a schema path (exit 2)", async () => {
    const run = await runJobgen(["stat"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^jobgen: unknown command "stat"; did you mean "stats"\?\n/);
    expect(run.stderr).not.toContain("cannot read schema file");
  });

  it("an unknown word like no command is refused with the list of commands (exit 2)", async () => {
    const run = await runJobgen(["frobnicate"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command "frobnicate"\n');
    expect(run.stderr).toContain(
      "commands: generate, check, validate, diff, init, stats, dlq, enqueue, dashboard",
    );
  });

  it("a schema path is still read as one (generate is the default command)", async () => {
    const run = await runJobgen(["check", "schema.example.yaml", "--out", "generated"]);
    expect(run).toMatchObject({ code: 0 });
    const missing = await runJobgen(["nothere.yaml"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read schema file "nothere.yaml"');
  });

  it("dlq list --reason bogus is refused with the valid reasons, exit 2, before touching Redis", async () => {
    const run = await runJobgen(["dlq", "list", "--reason", "bogus", "--redis", "redis://127.0.0.1:1"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("argument 'bogus' is invalid");
    expect(run.stderr).toContain(`Allowed choices are ${DEAD_LETTER_REASONS.join(", ")}.`);
  });

  it.each(["list", "show", "replay", "purge"])(
    "dlq %s --help has an example and the exit codes",
    async (sub) => {
      const run = await runJobgen(["dlq", sub, "--help"]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`Examples?[^\\n]*:\\n {2}\\$ jobgen dlq ${sub}`));
      expect(run.stdout).toContain("Exit codes:\n  0  success");
      expect(run.stdout).toContain("4  Redis unreachable");
    },
  );
});

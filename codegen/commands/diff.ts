import { Option, type Command } from "commander";
import { MODES, type Mode } from "../diff/change.js";
import { EXIT_USAGE } from "../exit-codes.js";
import { formatIssue, SchemaErrors } from "../load/issue.js";
import { CliError, failed } from "./cli-error.js";
import { readSchemaSource } from "./schema-source.js";

export interface DiffFlags {
  readonly mode: Mode;
  readonly json: boolean;
}

/** The `--mode` option, shared by `diff` and `check --against`. */
export function modeOption(): Option {
  return new Option(
    "--mode <mode>",
    "backward: new workers read every queued task; forward: old workers read what new producers send; full: both",
  )
    .choices(MODES)
    .default("backward");
}

/** `jobgen diff OLD NEW`: every change, safe or breaking in the mode; exit 1 when one breaks. */
export function registerDiff(program: Command): void {
  program
    .command("diff")
    .description(
      "classify every change between two schema files as safe or breaking (exit 1 when one breaks)",
    )
    .argument("<old>", "the schema before: a path, or <git-ref>:<path> such as origin/main:jobs.yaml")
    .argument("<new>", "the schema after: a path, or <git-ref>:<path>")
    .addOption(modeOption())
    .option("--json", "print the changes as JSON", false)
    .addHelpText(
      "after",
      "\nExamples:\n  $ jobgen diff origin/main:jobs.yaml jobs.yaml\n  $ jobgen diff old.yaml new.yaml --mode full --json",
    )
    .action(async (oldSpec: string, newSpec: string, flags: DiffFlags) => {
      await compatibilityGate(oldSpec, newSpec, flags);
    });
}

/** Runs the gate: prints every change and the verdict; throws a failure (exit 1) when a change breaks. */
export async function compatibilityGate(oldSpec: string, newSpec: string, flags: DiffFlags): Promise<void> {
  const [{ loadSchema }, { parseSource }, { diffSchemas, isCompatible }, report] = await Promise.all([
    import("../load/load.js"),
    import("../load/parse.js"),
    import("../diff/diff.js"),
    import("../diff/report.js"),
  ]);
  const [oldSource, newSource] = await Promise.all([readSchemaSource(oldSpec), readSchemaSource(newSpec)]);
  const load = (name: string, text: string) => {
    try {
      return loadSchema(name, text);
    } catch (error) {
      if (!(error instanceof SchemaErrors)) throw error;
      throw new CliError(
        `cannot compare: ${name} has ${error.message}`,
        EXIT_USAGE,
        error.issues.map(formatIssue),
      );
    }
  };
  const changes = diffSchemas(load(oldSource.name, oldSource.text), load(newSource.name, newSource.text));
  const located = parseSource(newSource.name, newSource.text);
  const placed = changes
    .map((change) => {
      const { line, col } = located.locate({ path: change.path, atKey: true, message: "" });
      return { ...change, file: newSource.name, line, col };
    })
    .sort((a, b) => a.line - b.line || a.col - b.col);
  if (flags.json) {
    console.log(
      JSON.stringify(
        report.toJson(placed, flags.mode, { old: oldSource.name, new: newSource.name }),
        null,
        2,
      ),
    );
  } else {
    for (const change of placed) console.log(report.formatChange(change, flags.mode));
  }
  const verdict = report.summary(changes, flags.mode);
  if (isCompatible(changes, flags.mode)) {
    if (!flags.json) console.log(`jobgen: ${verdict}`);
    return;
  }
  throw failed(verdict, [`see docs/schema-evolution.md for the deploy order of each kind of change`]);
}

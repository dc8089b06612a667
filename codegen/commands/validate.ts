import type { Command } from "commander";
import { failed } from "./cli-error.js";
import { DEFAULT_SCHEMA_FILE, readSchemaFile } from "./files.js";

/**
 * `jobgen validate [schema] [--strict]`: prints every schema error (exit 1), else the warnings
 * (objects left open) and a one-line summary; with `--strict` a warning fails too (exit 1).
 */
export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("check the schema file and print every error and warning with its line and column")
    .argument("[schema]", "schema file (YAML or JSON)", DEFAULT_SCHEMA_FILE)
    .option("--strict", "treat warnings (payload objects left open) as errors", false)
    .addHelpText(
      "after",
      "\nExamples:\n  $ jobgen validate jobs.yaml\n  $ jobgen validate jobs.yaml --strict",
    )
    .action(async (schema: string, flags: { strict: boolean }) => {
      // The loader (yaml, the model) is imported when the command runs: `jobgen --help` starts fast.
      const [{ loadSchema }, { parseSource }, { formatIssue }, { openObjectWarnings }] = await Promise.all([
        import("../load/load.js"),
        import("../load/parse.js"),
        import("../load/issue.js"),
        import("../model/open-objects.js"),
      ]);
      const text = await readSchemaFile(schema);
      const model = loadSchema(schema, text);
      const source = parseSource(schema, text);
      const warnings = openObjectWarnings(model).map((warning) => {
        const located = source.locate({ ...warning, atKey: true });
        return { ...located, message: `warning: ${located.message}` };
      });
      warnings.sort((a, b) => a.line - b.line || a.col - b.col);
      for (const warning of warnings) console.error(formatIssue(warning));
      const count = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
      if (flags.strict && warnings.length > 0) {
        throw failed(`${schema} has ${count(warnings.length, "warning")}, errors under --strict`);
      }
      console.log(
        `jobgen: ${schema} is valid: ${count(model.tasks.length, "task")}, ${count(model.queues.length, "queue")}, ${count(model.types.length, "shared type")}` +
          (model.schedules.length > 0 ? `, ${count(model.schedules.length, "schedule")}` : "") +
          (warnings.length > 0 ? `; ${count(warnings.length, "warning")}` : ""),
      );
    });
}

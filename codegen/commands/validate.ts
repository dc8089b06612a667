import type { Command } from "commander";
import { DEFAULT_SCHEMA_FILE, readSchemaFile } from "./files.js";

/** `jobgen validate [schema]`: prints every schema error (exit 1), or a one-line summary. */
export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("check the schema file and print every error with its line and column")
    .argument("[schema]", "schema file (YAML or JSON)", DEFAULT_SCHEMA_FILE)
    .addHelpText("after", "\nExample:\n  $ jobgen validate jobs.yaml")
    .action(async (schema: string) => {
      // The loader (yaml, the model) is imported when the command runs: `jobgen --help` starts fast.
      const { loadSchema } = await import("../load/load.js");
      const model = loadSchema(schema, await readSchemaFile(schema));
      const count = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
      console.log(
        `jobgen: ${schema} is valid: ${count(model.tasks.length, "task")}, ${count(model.queues.length, "queue")}, ${count(model.types.length, "shared type")}`,
      );
    });
}

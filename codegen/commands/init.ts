import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { STARTER_SCHEMA } from "../starter-schema.js";
import { CliError } from "./cli-error.js";
import { DEFAULT_SCHEMA_FILE } from "./files.js";

/** `jobgen init [file]`: writes the commented starter schema; never overwrites without --force. */
export function registerInit(program: Command): void {
  program
    .command("init")
    .description("write a commented starter schema")
    .argument("[file]", "where to write it", DEFAULT_SCHEMA_FILE)
    .option("-f, --force", "overwrite the file when it exists", false)
    .addHelpText("after", "\nExample:\n  $ jobgen init jobs.yaml && jobgen generate jobs.yaml")
    .action(async (file: string, flags: { force: boolean }) => {
      try {
        await writeFile(file, STARTER_SCHEMA, { flag: flags.force ? "w" : "wx" });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EEXIST") throw new CliError(`${file} already exists; pass --force to overwrite it`);
        throw new CliError(`cannot write ${file}: ${(error as Error).message}`);
      }
      console.log(`jobgen: wrote ${file}; next: jobgen generate ${file}`);
    });
}

import { readFile } from "node:fs/promises";
import { CliError } from "./cli-error.js";

/** The schema file used when none is given. */
export const DEFAULT_SCHEMA_FILE = "jobs.yaml";
/** The output directory used when `--out` is not given. */
export const DEFAULT_OUT_DIR = "generated";

/** Reads the schema file, or fails with one line naming the file and the fix. */
export async function readSchemaFile(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "it is a directory"
          : ((error as Error).message ?? String(error));
    throw new CliError(
      `cannot read schema file "${file}": ${reason}`,
      undefined,
      code === "ENOENT" ? [`create one with: jobgen init ${file}`] : [],
    );
  }
}

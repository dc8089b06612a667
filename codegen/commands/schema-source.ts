import { execFile } from "node:child_process";
import { stat } from "node:fs/promises";
import { promisify } from "node:util";
import { EXIT_USAGE } from "../exit-codes.js";
import { CliError } from "./cli-error.js";
import { readSchemaFile } from "./files.js";

/** A schema file's text and the name to print for it. */
export interface SchemaSource {
  readonly name: string;
  readonly text: string;
}

/** `<git-ref>:<path>`: a path in a commit, as `git show` reads it (relative to the repository root, or `./path`). */
const GIT_SPEC = /^([^:]+):(.+)$/;

/** Reads a schema from a path, or from git when the argument is `<git-ref>:<path>` and no such file exists. */
export async function readSchemaSource(spec: string): Promise<SchemaSource> {
  const git = GIT_SPEC.exec(spec);
  const isFile = await stat(spec).then(
    () => true,
    () => false,
  );
  if (git === null || isFile) return { name: spec, text: await readSchemaFile(spec) };
  try {
    const { stdout } = await promisify(execFile)("git", ["show", spec], { maxBuffer: 64 * 1024 * 1024 });
    return { name: spec, text: stdout };
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? (error as Error).message).trim();
    throw new CliError(
      `cannot read schema "${spec}" from git: ${stderr.split("\n")[0] ?? stderr}`,
      EXIT_USAGE,
      [
        `give a file path, or <git-ref>:<path> with the path from the repository root (or ./path from here), e.g. origin/main:jobs.yaml`,
      ],
    );
  }
}

import { readdir, readFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { DEFAULT_RUNTIME_SPECIFIER } from "../emit/file.js";
import { failed } from "./cli-error.js";
import { compatibilityGate, modeOption, type DiffFlags } from "./diff.js";
import { DEFAULT_OUT_DIR, DEFAULT_SCHEMA_FILE, readSchemaFile } from "./files.js";
import type { GenerateFlags } from "./generate.js";

/** Lines of diff shown per stale file; the rest is summarised. */
const DIFF_LINES_PER_FILE = 40;
/** Characters shown of one diff line. */
const DIFF_LINE_WIDTH = 200;

/** `jobgen check [schema]`: fails when the files on disk differ from what generate would write. */
export function registerCheck(program: Command): void {
  program
    .command("check")
    .description("fail (exit 1) when the generated files are stale, missing or extra; prints a diff")
    .argument("[schema]", "schema file (YAML or JSON)", DEFAULT_SCHEMA_FILE)
    .option("-o, --out <dir>", "directory of the generated files", DEFAULT_OUT_DIR)
    .option(
      "-r, --runtime <specifier>",
      "module specifier generated code imports the runtime from",
      DEFAULT_RUNTIME_SPECIFIER,
    )
    .option(
      "--against <git-ref>",
      "also fail when the schema breaks compatibility with its version in <git-ref> (jobgen diff)",
    )
    .addOption(modeOption())
    .addHelpText(
      "after",
      "\nExamples (CI):\n  $ jobgen check jobs.yaml --out src/jobs || echo 'run jobgen generate and commit'\n" +
        "  $ jobgen check jobs.yaml --against origin/main --mode full",
    )
    .action(async (schema: string, flags: GenerateFlags & DiffFlags & { against?: string }) => {
      if (flags.against !== undefined) {
        const path = relative(process.cwd(), resolve(schema)).split("\\").join("/");
        await compatibilityGate(`${flags.against}:./${path}`, schema, { mode: flags.mode, json: false });
      }
      const { generate } = await import("../generate.js");
      const files = await generate(schema, await readSchemaFile(schema), { runtime: flags.runtime });
      const expected = new Set(files.map((file) => file.path));
      const present = await readdir(flags.out).catch(() => [] as string[]);
      const stale: string[] = [];
      const missing: string[] = [];
      const diffs: string[] = [];
      for (const file of files) {
        const current = await readFile(join(flags.out, file.path), "utf8").catch(() => undefined);
        if (current === undefined) {
          missing.push(file.path);
        } else if (current !== file.contents) {
          stale.push(file.path);
          diffs.push(...(await shortDiff(join(flags.out, file.path), current, file.contents)));
        }
      }
      const extra = present.filter((name) => !expected.has(name)).sort();
      if (stale.length + missing.length + extra.length === 0) {
        console.log(`jobgen: ${flags.out}/ is up to date with ${schema}`);
        return;
      }
      const parts = [
        stale.length > 0 ? `stale: ${stale.join(", ")}` : "",
        missing.length > 0 ? `missing: ${missing.join(", ")}` : "",
        extra.length > 0 ? `extra: ${extra.join(", ")}` : "",
      ].filter((part) => part !== "");
      throw failed(`${flags.out}/ does not match ${schema} (${parts.join("; ")})`, [
        ...diffs,
        `update it with: jobgen generate ${schema} --out ${flags.out}${
          flags.runtime === DEFAULT_RUNTIME_SPECIFIER ? "" : ` --runtime ${flags.runtime}`
        }`,
      ]);
    });
}

/** A unified diff of one file, cut to {@link DIFF_LINES_PER_FILE} lines. */
async function shortDiff(path: string, current: string, wanted: string): Promise<string[]> {
  const { createTwoFilesPatch } = await import("diff");
  const lines = createTwoFilesPatch(
    `${path} (on disk)`,
    `${path} (generated)`,
    current,
    wanted,
    undefined,
    undefined,
    { context: 2 },
  )
    .split("\n")
    .filter((line) => !line.startsWith("====="))
    .map((line) => (line.length > DIFF_LINE_WIDTH ? `${line.slice(0, DIFF_LINE_WIDTH)}…` : line));
  if (lines.length <= DIFF_LINES_PER_FILE) return lines;
  return [
    ...lines.slice(0, DIFF_LINES_PER_FILE),
    `... (${lines.length - DIFF_LINES_PER_FILE} more diff lines)`,
  ];
}

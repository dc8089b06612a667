import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { DEFAULT_RUNTIME_SPECIFIER } from "../emit/file.js";
import { DEFAULT_OUT_DIR, DEFAULT_SCHEMA_FILE, readSchemaFile } from "./files.js";

export interface GenerateFlags {
  readonly out: string;
  readonly runtime: string;
}

/** `jobgen generate [schema]`: writes the generated client (files whose bytes are unchanged are not rewritten). */
export function registerGenerate(program: Command): void {
  program
    .command("generate", { isDefault: true })
    .description("generate the typed client from the schema file (the default command)")
    .argument("[schema]", "schema file (YAML or JSON)", DEFAULT_SCHEMA_FILE)
    .option("-o, --out <dir>", "output directory", DEFAULT_OUT_DIR)
    .option(
      "-r, --runtime <specifier>",
      "module specifier generated code imports the runtime from",
      DEFAULT_RUNTIME_SPECIFIER,
    )
    .addHelpText("after", "\nExample:\n  $ jobgen generate jobs.yaml --out src/jobs")
    .action(async (schema: string, flags: GenerateFlags) => {
      const { generate } = await import("../generate.js");
      const files = await generate(schema, await readSchemaFile(schema), { runtime: flags.runtime });
      await mkdir(flags.out, { recursive: true });
      let written = 0;
      for (const file of files) {
        const target = join(flags.out, file.path);
        const current = await readFile(target, "utf8").catch(() => undefined);
        if (current === file.contents) continue;
        await writeFile(target, file.contents);
        written++;
      }
      console.log(`jobgen: ${schema} → ${flags.out}/ (${files.length} files, ${written} updated)`);
    });
}

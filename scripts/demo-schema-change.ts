/**
 * The schema-change step of `npm run demo`: one edit to schema.example.yaml (send_email gains a
 * required `locale`), judged by `jobgen diff` before anything is deployed; then the same edit with
 * a default, which new workers can take but old workers cannot (`--mode full` says which to deploy first).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Prints the step through `say`; the edited schemas go to `.tmp/` under `root`. */
export function showSchemaChange(root: string, say: (line: string) => void): void {
  const original = readFileSync(join(root, "schema.example.yaml"), "utf8");
  const withLocale = (locale: string): string => {
    const edited = original
      .replace("      required: [to, subject]\n", "      required: [to, subject, locale]\n")
      .replace(
        "        body: { type: string }\n",
        `        body: { type: string }\n        locale: ${locale}\n`,
      );
    if (edited === original)
      throw new Error("schema.example.yaml no longer has send_email as the demo edits it");
    return edited;
  };
  mkdirSync(join(root, ".tmp"), { recursive: true });
  const run = (file: string, text: string, ...flags: string[]): void => {
    writeFileSync(join(root, file), text);
    const args = ["diff", "schema.example.yaml", file, ...flags];
    const result = spawnSync(process.execPath, ["codegen/bin/jobgen.js", ...args], {
      cwd: root,
      encoding: "utf8",
    });
    say(`   $ jobgen ${args.join(" ")}`);
    for (const line of `${result.stdout}${result.stderr}`.trimEnd().split("\n")) say(`     ${line}`);
    say(`     (exit ${result.status})`);
  };
  say("\n7. a schema change, judged before any deploy: send_email gains a required `locale`");
  run(".tmp/schema.locale.yaml", withLocale("{ type: string }"));
  say("   ... and with a default, new workers read queued tasks; old workers still refuse the new field:");
  run(".tmp/schema.locale-default.yaml", withLocale("{ type: string, default: en }"), "--mode", "full");
}

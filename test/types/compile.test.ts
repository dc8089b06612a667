// Type-level tests: the TypeScript compiler runs over test/types/fixtures/ (excluded from the main
// tsconfig). Each fixture but correct.ts must fail exactly where its `// expect: TSxxxx <text>`
// comment says (on the next line), and nowhere else; correct.ts must compile cleanly.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const FIXTURES = join(ROOT, "test/types/fixtures");
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");

interface Diagnostic {
  file: string;
  line: number;
  code: string;
  text: string;
}

let diagnostics: Diagnostic[] = [];

beforeAll(() => {
  const result = spawnSync(
    process.execPath,
    [TSC, "-p", join(FIXTURES, "tsconfig.json"), "--pretty", "false"],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  const head = /^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/;
  for (const line of result.stdout.split("\n")) {
    const match = head.exec(line);
    if (match !== null) {
      diagnostics.push({
        file: match[1] ?? "",
        line: Number(match[2]),
        code: match[3] ?? "",
        text: match[4] ?? "",
      });
    } else if (line.startsWith(" ") && diagnostics.length > 0) {
      const last = diagnostics[diagnostics.length - 1];
      if (last !== undefined) last.text += `\n${line.trim()}`;
    }
  }
  diagnostics = diagnostics.map((d) => ({
    ...d,
    file: d.file.replace(/\\/g, "/").split("/").pop() ?? d.file,
  }));
}, 120_000);

const failing = readdirSync(FIXTURES)
  .filter((name) => name.endsWith(".ts") && name !== "correct.ts")
  .sort();

describe("generated client: compile-time guarantees", () => {
  it("has the fixtures the contract names", () => {
    expect(failing).toEqual(
      expect.arrayContaining([
        "wrong-payload-type.ts",
        "missing-required-field.ts",
        "extra-field.ts",
        "unknown-member.ts",
        "worker-missing-handler.ts",
        "worker-critical-missing-handler.ts",
        "worker-missing-upcast.ts",
        "upcast-wrong-result.ts",
        "handler-default-is-required.ts",
      ]),
    );
  });

  it("correct.ts compiles without a diagnostic", () => {
    expect(diagnostics.filter((d) => d.file === "correct.ts")).toEqual([]);
  });

  it.each(failing)("%s fails to compile where and how it says", (name) => {
    const lines = readFileSync(join(FIXTURES, name), "utf8").split("\n");
    const markerIndex = lines.findIndex((line) => line.trim().startsWith("// expect: "));
    expect(markerIndex, `${name} has no "// expect:" comment`).toBeGreaterThanOrEqual(0);
    const [code = "", ...words] = (lines[markerIndex] ?? "").trim().slice("// expect: ".length).split(" ");
    const expectedText = words.join(" ");
    const mine = diagnostics.filter((d) => d.file === name);
    expect(mine.length, `${name} compiled, but must not`).toBeGreaterThan(0);
    for (const diagnostic of mine) {
      // The error is reported on the statement after the marker (possibly a few lines into it).
      expect(diagnostic.line).toBeGreaterThan(markerIndex + 1);
      expect(diagnostic.line).toBeLessThanOrEqual(markerIndex + 4);
    }
    expect(mine.map((d) => d.code)).toContain(code);
    expect(mine.map((d) => d.text).join("\n")).toContain(expectedText);
  });
});

describe("golden fixture outputs", () => {
  it("type-check (they import the runtime as `@jobgen/runtime`, the package's own export)", () => {
    const result = spawnSync(
      process.execPath,
      [TSC, "-p", join(ROOT, "test/fixtures/tsconfig.json"), "--pretty", "false"],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  }, 120_000);
});

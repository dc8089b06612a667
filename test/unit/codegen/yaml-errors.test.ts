// What a newcomer meets on a mistyped schema: YAML indentation and tab errors in words, at their
// line, and `type: int` answered with the JSON Schema name that was meant.
import { describe, expect, it } from "vitest";
import { loadSchema } from "../../../codegen/load/load.js";
import { formatIssue, SchemaErrors } from "../../../codegen/load/issue.js";

function problems(text: string): string[] {
  try {
    loadSchema("jobs.yaml", text);
  } catch (error) {
    if (error instanceof SchemaErrors) return error.issues.map(formatIssue);
    throw error;
  }
  throw new Error("the schema loaded without errors");
}

describe("YAML syntax errors", () => {
  it("a tab in the indentation is named as such, at its line", () => {
    const [problem, ...rest] = problems("version: 1\ntasks:\n  ping:\n\tpayload: { type: object }\n");
    expect(rest).toEqual([]);
    expect(problem).toBe(
      "jobs.yaml:4:1: line 4 is indented with a tab; YAML indents with spaces only\n" +
        "  hint: replace the tab with spaces (two per level, lined up with the keys it belongs with)",
    );
  });

  it("a key out of line with its siblings gives both columns", () => {
    const text = "version: 1\ntasks:\n  ping:\n    payload:\n      type: object\n     description: x\n";
    expect(problems(text)).toEqual([
      "jobs.yaml:6:6: bad indentation: line 6 starts at column 6, line 5 above it at column 7; " +
        "the keys of one mapping must start at the same column\n" +
        "  hint: indent a key with spaces to the column of the keys beside it, or two more to nest it under the key above",
    ]);
  });

  it("a line indented under a key that already has its value says so, once", () => {
    const text = "version: 1\ntasks:\n  ping:\n    payload: { type: object }\n     description: x\n";
    expect(problems(text)).toEqual([
      "jobs.yaml:5:6: bad indentation: line 5 is indented deeper than line 4, whose key already has its value\n" +
        "  hint: line it up with the key on line 4, or move that key's value to its own lines below it",
    ]);
  });

  it("a duplicate key is named at its second occurrence", () => {
    expect(problems("version: 1\nversion: 1\ntasks: {}\n")).toEqual([
      'jobs.yaml:2:1: duplicate key "version": it appears twice in the same mapping\n' +
        "  hint: remove or rename one of them",
    ]);
  });
});

describe("type names from other languages", () => {
  it.each([
    ["int", "integer"],
    ["float", "number"],
    ["bool", "boolean"],
    ["str", "string"],
    ["list", "array"],
    ["strng", "string"],
  ])("type: %s suggests %s", (written, meant) => {
    const [problem] = problems(`version: 1\ntasks:\n  ping:\n    payload: { type: ${written} }\n`);
    expect(problem).toContain(`got "${written}"; did you mean "${meant}"?`);
    expect(problem).toContain(`hint: write type: ${meant}`);
  });

  it("a word that resembles no type keeps the general hint", () => {
    const [problem] = problems("version: 1\ntasks:\n  ping:\n    payload: { type: constructor }\n");
    expect(problem).not.toContain("did you mean");
    expect(problem).toContain('hint: write type: [string, "null"] for a nullable string');
  });
});

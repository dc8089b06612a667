// docs/schema-evolution.md lists every rule of `jobgen diff` with its category: the rules table is
// what users read, RULES is what the code applies, and neither may drift from the other.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { RULES } from "../../../codegen/diff/change.js";

const doc = readFileSync(resolve(import.meta.dirname, "../../../docs/schema-evolution.md"), "utf8");

describe("docs/schema-evolution.md", () => {
  it.each(Object.entries(RULES))(
    "lists %s with its category and what it detects",
    (rule, [category, detects]) => {
      expect(doc).toContain(`| \`${rule}\` | ${category} | ${detects} |`);
    },
  );

  it("lists no rule the code does not have", () => {
    const listed = [...doc.matchAll(/^\| `([A-Z_]+)` \| /gm)].map((match) => match[1]);
    expect(listed.sort()).toEqual(Object.keys(RULES).sort());
  });
});

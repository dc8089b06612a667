// Generated code reads as hand-written: one printer lays out every .ts file at the project's print
// width (.prettierrc.json), indents every body and ends every statement with a semicolon.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { LINE_WIDTH } from "../../../codegen/emit/layout.js";
import { generate } from "../../../codegen/generate.js";

const ROOT = resolve(import.meta.dirname, "../../..");
const EXAMPLE = readFileSync(resolve(ROOT, "schema.example.yaml"), "utf8");

async function files(): Promise<Map<string, string>> {
  const generated = await generate("schema.example.yaml", EXAMPLE);
  return new Map(generated.map((file) => [file.path, file.contents]));
}

describe("generated layout", () => {
  it("the print width is prettier's", () => {
    const prettier = JSON.parse(readFileSync(resolve(ROOT, ".prettierrc.json"), "utf8")) as {
      printWidth: number;
    };
    expect(LINE_WIDTH).toBe(prettier.printWidth);
  });

  it("no line of a generated .ts file is wider than the print width", async () => {
    for (const [path, contents] of await files()) {
      if (!path.endsWith(".ts")) continue;
      const wide = contents.split("\n").filter((line) => line.length > LINE_WIDTH);
      expect(wide, path).toEqual([]);
    }
  });

  it("imports too wide for a line put one name per line", async () => {
    expect((await files()).get("enqueue.ts")).toContain(
      "import type {\n  ChargePaymentPayload,\n  GenerateReportPayload,\n",
    );
  });

  it("the createWorker loop body is indented one level deeper than the loop", async () => {
    expect((await files()).get("worker.ts")).toContain(
      "  for (const [member, wireName] of Object.entries(wireNames)) {\n" +
        "    const handler = Object.hasOwn(given, member) ? given[member] : undefined;\n" +
        "    if (handler !== undefined) byWireName[wireName] = handler;\n" +
        "  }\n",
    );
  });

  it("payloads.ts ends its members with semicolons, as the other files do", async () => {
    const payloads = (await files()).get("payloads.ts") ?? "";
    expect(payloads).toContain("export interface SendEmailPayload {\n  body?: string;\n");
    const members = payloads.split("\n").filter((line) => /^ {2}[\w"[]/.test(line));
    expect(members.length).toBeGreaterThan(20);
    for (const line of members) expect(line, line).toMatch(/[;{]$/);
  });
});

// Property names and open objects, where zod used to disagree with the schema: a property named
// like an inherited member (`hasOwnProperty`, `toString`, `valueOf`) generates, and is read as the
// payload's own property only (`{}` has no `toString`), as ajv reads the exported bundle; a name
// workers refuse (`constructor`, `prototype`, `__proto__`) is a positioned error; `jobgen validate`
// warns about objects left open, and fails on them with --strict.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { generate } from "../../../codegen/generate.js";
import { SchemaErrors } from "../../../codegen/load/issue.js";
import { loadSchema } from "../../../codegen/load/load.js";
import { registryFromModel } from "../../../codegen/operations/schema-registry.js";

const SCHEMA = `version: 1
tasks:
  t:
    payload:
      type: object
      additionalProperties: false
      required: [valueOf]
      properties:
        hasOwnProperty: { type: string }
        toString: { type: string }
        isPrototypeOf: { type: boolean }
        valueOf: { type: integer }
        nested:
          type: object
          additionalProperties: false
          properties:
            toString: { type: string }
`;

const CASES: readonly { readonly payload: unknown; readonly valid: boolean }[] = [
  { payload: { valueOf: 1 }, valid: true },
  { payload: { valueOf: 1, nested: {} }, valid: true },
  { payload: { valueOf: 1, toString: "x", hasOwnProperty: "y", isPrototypeOf: true }, valid: true },
  { payload: { valueOf: 1, toString: 5 }, valid: false },
  { payload: { valueOf: 1, nested: { toString: 5 } }, valid: false },
  { payload: {}, valid: false },
  { payload: { valueOf: "1" }, valid: false },
  { payload: { valueOf: 1, other: 1 }, valid: false },
];

describe("properties named like inherited members", () => {
  it("generate succeeds, and the types keep the names", async () => {
    const files = await generate("jobs.yaml", SCHEMA);
    const payloads = files.find((file) => file.path === "payloads.ts")?.contents ?? "";
    expect(payloads).toContain("  hasOwnProperty?: string;\n");
    expect(payloads).toContain("  valueOf: number;\n");
  });

  // ajv reads inherited members too unless told `ownProperties: true`; JSON Schema means own ones.
  it("the validator reads own properties only, and agrees with ajv (ownProperties) on the bundle", async () => {
    const files = await generate("jobs.yaml", SCHEMA);
    const bundle = JSON.parse(files.find((file) => file.path === "schema.json")?.contents ?? "{}") as {
      $defs: Record<string, unknown>;
      tasks: Record<string, Record<string, unknown>>;
    };
    const ajv = new Ajv2020({ strict: false, ownProperties: true }).compile({
      ...bundle.tasks.t,
      $defs: bundle.$defs,
    });
    const validator = registryFromModel(loadSchema("jobs.yaml", SCHEMA)).tasks.t?.validator;
    for (const { payload, valid } of CASES) {
      expect(ajv(payload), `ajv on ${JSON.stringify(payload)}`).toBe(valid);
      expect(validator?.safeParse(payload).success, `zod on ${JSON.stringify(payload)}`).toBe(valid);
    }
    const missing = validator?.safeParse({});
    expect(missing?.error?.issues[0]?.message).toContain("received undefined");
  });

  it("names workers refuse in any payload are errors at the name", () => {
    for (const name of ["constructor", "prototype"]) {
      const text = SCHEMA.replace("        hasOwnProperty:", `        ${name}:`).replace(
        "required: [valueOf]",
        "required: []",
      );
      let messages: string[] = [];
      try {
        loadSchema("jobs.yaml", text);
      } catch (error) {
        if (!(error instanceof SchemaErrors)) throw error;
        messages = error.issues.map((issue) => `${issue.line}:${issue.col}: ${issue.message}`);
      }
      expect(messages).toEqual([
        `9:9: a property cannot be named "${name}": workers refuse payloads carrying that key anywhere (it can pollute prototypes)`,
      ]);
    }
  });
});

describe("jobgen validate and open objects", () => {
  const BIN = resolve(import.meta.dirname, "../../../codegen/bin/jobgen.js");
  const OPEN = `version: 1
types:
  Address: { type: object, properties: { city: { type: string } } }
tasks:
  t:
    payload:
      type: object
      additionalProperties: false
      properties:
        to: { $ref: "#/types/Address" }
        extra: { type: object, additionalProperties: true }
        tags: { type: array, items: { type: object, properties: { k: { type: string } } } }
`;

  function validate(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const dir = mkdtempSync(join(tmpdir(), "jobgen-validate-"));
    try {
      writeFileSync(join(dir, "jobs.yaml"), OPEN);
      return spawnSync(process.execPath, [BIN, "validate", ...args], { cwd: dir, encoding: "utf8" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("warns at each object left open (an explicit `true` is a choice, not a warning); exit 0", () => {
    const result = validate();
    expect(result.status).toBe(0);
    expect(result.stderr.split("\n").filter((line) => !line.startsWith("  hint"))).toEqual([
      "jobs.yaml:3:3: warning: type Address is an open object: without additionalProperties, a misspelled property compiles and is accepted",
      'jobs.yaml:12:30: warning: "t" payload.tags[] is an open object: without additionalProperties, a misspelled property compiles and is accepted',
      "",
    ]);
    expect(result.stdout).toBe("jobgen: jobs.yaml is valid: 1 task, 1 queue, 1 shared type; 2 warnings\n");
  });

  it("--strict makes them errors: exit 1", () => {
    const result = validate("--strict");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("jobgen: jobs.yaml has 2 warnings, errors under --strict");
  });
});

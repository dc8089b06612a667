// A hostile schema: text from the schema must never become code. Each hostile input is either a
// clear schema error or inert output that compiles, imports without running anything, and keeps
// the text exactly.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { generate } from "../../../codegen/generate.js";
import type { GeneratedFile } from "../../../codegen/emit/file.js";
import { SchemaErrors } from "../../../codegen/load/issue.js";
import { loadSchema } from "../../../codegen/load/load.js";

const ROOT = resolve(import.meta.dirname, "../../..");
/** Every trick at once: quotes, backticks, comment end, template, newlines, U+2028/9, a closing tag. */
const EVIL = "a\"b'c`d */ e ${(globalThis.__pwned = 1)} \n f \u2028 g \u2029 h </script> \\ end";
const EVIL_KEY = 'k"*/`${(globalThis.__pwned = 2)}`\u2028';

function schemaErrors(document: unknown): string[] {
  try {
    loadSchema("jobs.yaml", stringify(document));
  } catch (error) {
    if (error instanceof SchemaErrors) return error.issues.map((issue) => issue.message);
    throw error;
  }
  return [];
}

const payload = { type: "object" };

describe("hostile names are schema errors", () => {
  it.each([
    ["a task name with code in it", { 'x"];globalThis.__pwned=1;//': { payload } }, /^bad task name/],
    ["__proto__ as a task name", { __proto__: { payload } }, /^bad task name "__proto__"/],
    ["constructor as a task name", { constructor: { payload } }, /^task name "constructor" is reserved/],
    ["a reserved word", { class: { payload } }, /^task name "class" is reserved/],
    [
      "names colliding after camel-casing",
      { "a.b": { payload }, a_b: { payload } },
      /maps to the identifier aB/,
    ],
  ])("%s", (_label, tasks, message) => {
    const document = JSON.parse(JSON.stringify({ version: 1, tasks })) as unknown;
    if (_label.startsWith("__proto__")) {
      // JSON.parse makes "__proto__" an own key, as the YAML loader does.
      (document as { tasks: Record<string, unknown> }).tasks = JSON.parse(
        '{"__proto__": {"payload": {"type": "object"}}}',
      );
    }
    expect(schemaErrors(document)).toEqual([expect.stringMatching(message)]);
  });

  it("type names that are not PascalCase identifiers or shadow built-ins", () => {
    expect(
      schemaErrors({ version: 1, types: { "A b": payload, Promise: payload }, tasks: { t: { payload } } }),
    ).toEqual(['bad type name "A b"', 'type name "Promise" is reserved (a TypeScript built-in)']);
  });

  it("__proto__ as a property name", () => {
    const document = JSON.parse(
      '{"version":1,"tasks":{"t":{"payload":{"type":"object","properties":{"__proto__":{"type":"string"}}}}}}',
    ) as unknown;
    expect(schemaErrors(document)).toEqual([
      'a property cannot be named "__proto__": workers refuse payloads carrying that key anywhere (it can pollute prototypes)',
    ]);
  });
});

describe("hostile text is inert", () => {
  const hostile = {
    version: 1,
    queues: { default: { stream: EVIL, group: EVIL, dlq: EVIL } },
    types: { Evil: { type: "string", description: EVIL, enum: [EVIL, "plain"] } },
    tasks: {
      "evil.task": {
        description: EVIL,
        payload: {
          type: "object",
          description: EVIL,
          required: [EVIL_KEY],
          additionalProperties: false,
          properties: {
            [EVIL_KEY]: { type: "string", description: EVIL, default: EVIL, examples: [EVIL] },
            valueOf: { type: "string", const: EVIL },
            toString: { $ref: "#/types/Evil", description: EVIL },
            pattern: { type: "string", pattern: '^["`$\\\\/{}*]+$' },
            list: { type: "array", items: { type: "string", enum: [EVIL] }, default: [EVIL] },
          },
        },
      },
    },
  };
  let files: GeneratedFile[] = [];
  let dir = "";

  beforeAll(async () => {
    mkdirSync(join(ROOT, ".tmp"), { recursive: true });
    dir = mkdtempSync(join(ROOT, ".tmp", "hostile-"));
    files = await generate(`evil"*\u2028name.yaml`, stringify(hostile), {
      runtime: `${relative(dir, join(ROOT, "runtime")).replace(/\\/g, "/")}/index.js`,
    });
    for (const file of files) writeFileSync(join(dir, file.path), file.contents);
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({ extends: relative(dir, join(ROOT, "tsconfig.json")), include: ["*.ts"], exclude: [] }),
    );
  });

  afterAll(() => {
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  it("the output type-checks", () => {
    const result = spawnSync(
      process.execPath,
      [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", dir, "--pretty", "false"],
      {
        encoding: "utf8",
      },
    );
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  }, 120_000);

  it("no line comment carries a raw line break; the header is one line per field", () => {
    for (const file of files.filter((f) => f.path.endsWith(".ts"))) {
      expect(file.contents.split("\n")[1]).toBe('// Source: evil\\"*\\u2028name.yaml');
      for (const line of file.contents.split("\n")) {
        if (line.trimStart().startsWith("//")) expect(line).not.toMatch(/[\u2028\u2029\r]/);
      }
    }
  });

  it("importing the output runs no code, and every string survives exactly", () => {
    const script = `
      globalThis.__pwned = undefined;
      const client = await import(${JSON.stringify(`${dir}/index.ts`)});
      const task = client.registry.tasks["evil.task"];
      const queue = client.registry.queues.default;
      const good = { [${JSON.stringify(EVIL_KEY)}]: "x", valueOf: ${JSON.stringify(EVIL)}, toString: ${JSON.stringify(EVIL)}, list: [${JSON.stringify(EVIL)}] };
      console.log(JSON.stringify({
        pwned: globalThis.__pwned ?? null,
        description: task.description,
        stream: queue.stream,
        accepts: task.validator.safeParse(good).success,
        rejectsOther: !task.validator.safeParse({ ...good, valueOf: "other" }).success,
        wire: client.wireNames,
      }));
    `;
    const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({
      pwned: null,
      description: EVIL,
      stream: EVIL,
      accepts: true,
      rejectsOther: true,
      wire: { evilTask: "evil.task" },
    });
  }, 60_000);

  it("the JSON Schema bundle keeps the text as data", () => {
    const bundle = JSON.parse(files.find((file) => file.path === "schema.json")?.contents ?? "{}") as {
      tasks: Record<string, { properties: Record<string, { default?: unknown }> }>;
    };
    expect(bundle.tasks["evil.task"]?.properties[EVIL_KEY]?.default).toBe(EVIL);
  });
});

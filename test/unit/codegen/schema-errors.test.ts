// One test per schema error kind: the message, the hint and the line:col it points at.
import { describe, expect, it } from "vitest";
import { SchemaErrors, formatIssue, type LocatedIssue } from "../../../codegen/load/issue.js";
import { loadSchema } from "../../../codegen/load/load.js";

function issuesOf(text: string, file = "jobs.yaml"): LocatedIssue[] {
  try {
    loadSchema(file, text);
  } catch (error) {
    if (error instanceof SchemaErrors) return [...error.issues];
    throw error;
  }
  throw new Error("expected schema errors, the schema loaded");
}

/** 1-based line and column of the first occurrence of `needle` in `text` (after `after`, when given). */
function pos(text: string, needle: string, after = ""): { line: number; col: number } {
  const offset = text.indexOf(needle, after === "" ? 0 : text.indexOf(after));
  if (offset < 0) throw new Error(`"${needle}" is not in the text`);
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, col: (before.at(-1) ?? "").length + 1 };
}

/** A valid schema with `extra` lines appended under `tasks:` (2-space indented task entries). */
const base = (tasks: string, head = ""): string =>
  `version: 1
${head}queues:
  default: { stream: tasks }
  critical: { stream: critical }
types:
  Address: { type: object, properties: { city: { type: string } } }
tasks:
${tasks}`;

describe("schema errors: message, hint and position", () => {
  it("bad task name", () => {
    const [issue, ...rest] = issuesOf(base("  SendEmail:\n    payload: { type: object }\n"));
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ file: "jobs.yaml", line: 8, col: 3, message: 'bad task name "SendEmail"' });
    expect(issue?.hint).toContain("[a-z][a-z0-9_.-]*");
  });

  it("two task names mapping to the same identifier", () => {
    const issues = issuesOf(
      base("  send_email:\n    payload: { type: object }\n  send-email:\n    payload: { type: object }\n"),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      line: 8,
      col: 3,
      message: 'task "send_email" maps to the identifier sendEmail, which task "send-email" already uses',
      hint: "rename one of them",
    });
  });

  it("a shared type colliding with a generated name", () => {
    const issues = issuesOf(
      "version: 1\ntypes:\n  SendEmailPayload: { type: object }\ntasks:\n  send_email: { payload: { type: object } }\n",
    );
    expect(issues).toEqual([
      expect.objectContaining({
        line: 5,
        col: 3,
        message:
          'task "send_email" maps to the identifier SendEmailPayload, which type "SendEmailPayload" already uses',
      }),
    ]);
  });

  it("reserved words", () => {
    const issues = issuesOf(
      base("  delete:\n    payload: { type: object }\n  then:\n    payload: { type: object }\n"),
    );
    expect(issues.map((issue) => [issue.line, issue.col, issue.message])).toEqual([
      [8, 3, 'task name "delete" is reserved: it becomes the member "delete"'],
      [10, 3, 'task name "then" is reserved: it becomes the member "then"'],
    ]);
    expect(issues[0]?.hint).toBe('choose another name, such as "delete_task"');
  });

  it("unknown key, with did-you-mean", () => {
    const text = base("  send_email:\n    maxRetry: 3\n    payload: { type: object }\n");
    const issues = issuesOf(text);
    expect(issues).toEqual([
      {
        file: "jobs.yaml",
        ...pos(text, "maxRetry"),
        message: 'unknown key "maxRetry" in task "send_email"; did you mean "maxRetries"?',
        hint: "allowed keys: description, queue, maxRetries, timeout, backoff, maxPayloadSize, maxDepth, priority, version, payload, previous, partitionKey, rateLimit, concurrency",
      },
    ]);
  });

  it("unknown queue", () => {
    const issues = issuesOf(base("  send_email:\n    queue: critcal\n    payload: { type: object }\n"));
    expect(issues).toEqual([
      expect.objectContaining({
        line: 9,
        col: 12,
        message: 'unknown queue "critcal"; did you mean "critical"?',
        hint: "declared queues: critical, default",
      }),
    ]);
  });

  it("bad duration", () => {
    const issues = issuesOf(base("  send_email:\n    timeout: 30 seconds\n    payload: { type: object }\n"));
    expect(issues).toEqual([
      expect.objectContaining({
        line: 9,
        col: 14,
        message: 'bad duration "30 seconds" for timeout',
        hint: "write a positive duration like 250ms, 30s, 5m or 1h30m",
      }),
    ]);
  });

  it("bad backoff strategy and size", () => {
    const text = base(
      "  send_email:\n    backoff: { strategy: exponentail }\n    maxPayloadSize: 1 megabyte\n    payload: { type: object }\n",
    );
    expect(issuesOf(text).map((issue) => [issue.line, issue.col, issue.message])).toEqual([
      [...Object.values(pos(text, "exponentail")), 'bad strategy "exponentail"; did you mean "exponential"?'],
      [...Object.values(pos(text, "1 megabyte")), 'bad size "1 megabyte"'],
    ]);
  });

  it("bad priority, positioned at its value, listing the levels", () => {
    const text = base("  send_email:\n    priority: urgent\n    payload: { type: object }\n");
    expect(issuesOf(text)).toEqual([
      expect.objectContaining({
        ...pos(text, "urgent"),
        message: 'bad priority "urgent"',
        hint: "priority is one of high, normal, low",
      }),
    ]);
  });

  it("priority on a task of a partitioned queue, positioned at the priority", () => {
    const text =
      "version: 1\nqueues:\n  orders: { partitions: 3 }\ntasks:\n" +
      "  charge:\n    queue: orders\n    priority: high\n    payload: { type: object }\n";
    expect(issuesOf(text)).toEqual([
      expect.objectContaining({
        ...pos(text, "high"),
        message: expect.stringContaining('its queue "orders" is partitioned') as unknown,
      }),
    ]);
  });

  it("unsupported JSON Schema keyword, listing the supported ones", () => {
    const issues = issuesOf(
      base(
        "  send_email:\n    payload:\n      type: object\n      patternProperties: { '^x': { type: string } }\n",
      ),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      line: 11,
      col: 7,
      message: 'unsupported JSON Schema keyword "patternProperties"',
    });
    expect(issues[0]?.hint).toContain(
      "jobgen honours these keywords: type, enum, const, oneOf, anyOf, allOf, $ref",
    );
    expect(issues[0]?.hint).toContain("x-sensitive");
  });

  it("misspelled keyword gets a did-you-mean; keywords on the wrong type are errors", () => {
    const text = base(
      "  send_email:\n    payload:\n      type: object\n      properties:\n        n: { type: number, maxLenght: 3, minLength: 1 }\n",
    );
    const issues = issuesOf(text);
    expect(issues.map((issue) => issue.message)).toEqual([
      'unsupported JSON Schema keyword "maxLenght"; did you mean "maxLength"?',
      '"minLength" applies to strings, but this schema\'s type is number',
    ]);
    expect(issues.map((issue) => ({ line: issue.line, col: issue.col }))).toEqual([
      pos(text, "maxLenght"),
      pos(text, "minLength"),
    ]);
  });

  it("bad $ref", () => {
    const text = base(
      "  send_email:\n    payload:\n      type: object\n      properties:\n        to: { $ref: '#/types/Adress' }\n        cc: { $ref: '#/definitions/Address' }\n",
    );
    const issues = issuesOf(text);
    expect(issues).toEqual([
      expect.objectContaining({
        ...pos(text, "'#/types/Adress'"),
        message: 'bad $ref "#/types/Adress": there is no type "Adress" under types; did you mean "Address"?',
        hint: "define it under types, or use one of: Address",
      }),
      expect.objectContaining({
        ...pos(text, "'#/definitions/Address'"),
        message: 'bad $ref "#/definitions/Address"',
        hint: 'refer to a shared type as "#/types/Name" (known: Address)',
      }),
    ]);
  });

  it("recursive $ref", () => {
    const text =
      "version: 1\ntypes:\n  Node: { type: object, properties: { next: { $ref: '#/types/Node' } } }\ntasks:\n  walk: { payload: { $ref: '#/types/Node' } }\n";
    expect(issuesOf(text)).toEqual([
      expect.objectContaining({
        ...pos(text, "'#/types/Node'"),
        message: 'recursive $ref: type "Node" refers back to "Node"',
      }),
    ]);
  });

  it("wrong or missing version", () => {
    expect(issuesOf("version: 2\ntasks:\n  a: { payload: {} }\n")).toEqual([
      {
        file: "jobs.yaml",
        line: 1,
        col: 10,
        message: "unsupported schema version 2",
        hint: "write version: 1 (the only version this jobgen reads)",
      },
    ]);
    expect(issuesOf("tasks:\n  a: { payload: {} }\n")[0]).toMatchObject({
      line: 1,
      col: 1,
      message: "the schema has no version",
    });
  });

  it("YAML syntax errors carry their position", () => {
    const issues = issuesOf("version: 1\ntasks:\n  a: { payload: {}\n  b: 1\n");
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]?.line).toBeGreaterThanOrEqual(3);
    expect(issuesOf("version: 1\nversion: 1\n")[0]?.message).toMatch(/duplicate key "version"/);
  });

  it("JSON schema files are accepted and located too", () => {
    const json = '{\n  "version": 1,\n  "tasks": {\n    "a": { "payload": { "type": "strin" } }\n  }\n}\n';
    const issues = issuesOf(json, "jobs.json");
    expect(issues).toEqual([expect.objectContaining({ file: "jobs.json", ...pos(json, '"strin"') })]);
    expect(issues[0]?.message).toContain("type must be one of");
  });

  it("reports every error of the file at once, sorted by position", () => {
    const issues = issuesOf(
      base(
        "  Bad: { payload: {} }\n  ok:\n    queue: nope\n    timeout: soon\n    payload: { type: object, required: [x] }\n",
        "defaults: { maxRetries: -1 }\n",
      ),
    );
    expect(issues.map((issue) => issue.line)).toEqual([2, 9, 11, 12, 13]);
    expect(formatIssue(issues[0] as LocatedIssue)).toBe(
      "jobs.yaml:2:25: maxRetries must be a whole number ≥ 0, got -1",
    );
  });

  it("__proto__ as a property name is refused", () => {
    const issues = issuesOf(
      base('  a:\n    payload: { type: object, properties: { "__proto__": { type: string } } }\n'),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        line: 9,
        message: expect.stringContaining('a property cannot be named "__proto__"'),
      }),
    ]);
  });

  it("an integer a number cannot hold exactly is refused, not rounded", () => {
    const text = base("  a:\n    payload: { type: integer, maximum: 9007199254740993 }\n");
    expect(issuesOf(text)).toEqual([
      {
        file: "jobs.yaml",
        ...pos(text, "9007199254740993"),
        message:
          "integer 9007199254740993 is outside ±(2^53 − 1), where numbers are no longer exact (it would read as 9007199254740992)",
        hint: "use an integer within ±9007199254740991",
      },
    ]);
    expect(() =>
      loadSchema("jobs.yaml", base("  a:\n    payload: { type: integer, maximum: 9007199254740991 }\n")),
    ).not.toThrow();
  });

  it("enum and const take objects and lists, but not a __proto__ key", () => {
    const ok = base(
      '  a:\n    payload: { enum: [{ x: 1 }, [1, 2], "s"] }\n  b:\n    payload: { const: { y: [true] } }\n',
    );
    expect(() => loadSchema("jobs.yaml", ok)).not.toThrow();
    const text = base('  a:\n    payload: { enum: [{ "__proto__": { x: 1 } }] }\n');
    expect(issuesOf(text)).toEqual([
      expect.objectContaining({
        line: 9,
        message: 'enum value holds the key "__proto__", which payloads may not carry',
      }),
    ]);
  });

  it("an enum listing two equal objects, keys in another order", () => {
    const text = base("  a:\n    payload: { enum: [{ x: 1, y: 2 }, { y: 2, x: 1.0 }] }\n");
    expect(issuesOf(text)).toEqual([expect.objectContaining({ message: "enum lists a value twice" })]);
  });
  it("partitions out of range", () => {
    const text = base("  t:\n    payload: { type: object }\n").replace(
      "default: { stream: tasks }",
      "default: { stream: tasks, partitions: 0 }",
    );
    const [issue, ...rest] = issuesOf(text);
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({
      ...pos(text, "0 }"),
      message: "partitions must be a whole number from 1 to 256, got 0",
    });
    expect(issue?.hint).toContain("partitions: 3");
  });

  it.each([
    [
      "customer.name",
      'partitionKey "customer.name": the payload declares no property "customer.name"',
      "properties there: id",
    ],
    ["note", 'partitionKey "note": property "note" is not required', 'add "note" to required'],
    ["customer", 'partitionKey "customer" must name a string or integer field, got "object"', "type: string"],
    ["", 'partitionKey must be a payload field path, got ""', "partitionKey: customer.id"],
  ])("partitionKey %j", (key, message, hint) => {
    const text = base(
      `  t:\n    partitionKey: "${key}"\n    payload:\n      type: object\n      required: [customer]\n` +
        `      properties:\n        note: { type: string }\n        customer:\n          type: object\n` +
        `          required: [id]\n          properties: { id: { type: string } }\n`,
    );
    const [issue, ...rest] = issuesOf(text);
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ ...pos(text, `"${key}"`), message });
    expect(issue?.hint).toContain(hint);
  });

  it("priority on a task of a partitioned queue", () => {
    const text = base("  t:\n    priority: high\n    payload: { type: object }\n").replace(
      "default: { stream: tasks }",
      "default: { stream: tasks, partitions: 3 }",
    );
    const [issue, ...rest] = issuesOf(text);
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({
      ...pos(text, "high"),
      message:
        'task "t" declares a priority, but its queue "default" is partitioned; jobgen does not combine priority levels with partitions',
    });
    expect(issue?.hint).toContain("drop `priority`");
  });

  it("partitionKey through a shared type loads", () => {
    const text = base(
      `  t:\n    partitionKey: customer.id\n    payload:\n      type: object\n      required: [customer]\n` +
        `      properties: { customer: { $ref: "#/types/Customer" } }\n`,
    ).replace(
      "types:\n",
      "types:\n  Customer: { type: object, required: [id], properties: { id: { type: integer } } }\n",
    );
    expect(loadSchema("jobs.yaml", text).tasks[0]?.partitionKey).toEqual(["customer", "id"]);
  });
});

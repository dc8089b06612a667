// The schema's policies (schedules, rateLimit, concurrency): each bad value is an error with its
// message, hint and the line:col it points at; good ones reach the model.
import { describe, expect, it } from "vitest";
import { SchemaErrors, type LocatedIssue } from "../../../codegen/load/issue.js";
import { loadSchema } from "../../../codegen/load/load.js";

function issuesOf(text: string): LocatedIssue[] {
  try {
    loadSchema("jobs.yaml", text);
  } catch (error) {
    if (error instanceof SchemaErrors) return [...error.issues];
    throw error;
  }
  throw new Error("expected schema errors, the schema loaded");
}

/** 1-based line and column of the first occurrence of `needle` in `text`. */
function pos(text: string, needle: string): { line: number; col: number } {
  const offset = text.indexOf(needle);
  if (offset < 0) throw new Error(`"${needle}" is not in the text`);
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, col: (before.at(-1) ?? "").length + 1 };
}

const schema = (task: string, schedules = ""): string =>
  `version: 1
tasks:
  report:
${task}    payload:
      type: object
      required: [kind]
      properties:
        kind: { type: string, enum: [sales, churn] }
        tenant: { type: object, properties: { id: { type: string } } }
        days: { type: integer, default: 7 }
${schedules}`;

describe("policy errors: message, hint and position", () => {
  it("bad rateLimit values and an unknown key, each at its place", () => {
    const text = schema("    rateLimit: { limit: 0, per: soon, burst: 3 }\n");
    expect(issuesOf(text)).toEqual([
      expect.objectContaining({ ...pos(text, "0,"), message: "limit must be a whole number ≥ 1, got 0" }),
      expect.objectContaining({ ...pos(text, "soon"), message: 'bad duration "soon" for per' }),
      expect.objectContaining({ ...pos(text, "burst"), message: 'unknown key "burst" in rateLimit' }),
    ]);
  });

  it("a rateLimit key that is not a scalar field of the payload", () => {
    const missing = schema("    rateLimit: { limit: 5, per: 1s, key: tenant.name }\n");
    expect(issuesOf(missing)).toEqual([
      expect.objectContaining({
        ...pos(missing, "tenant.name"),
        message: 'bad rateLimit key "tenant.name": "tenant" has no property "name"',
      }),
    ]);
    const object = schema("    rateLimit: { limit: 5, per: 1s, key: tenant }\n");
    expect(issuesOf(object)[0]?.message).toBe(
      'bad rateLimit key "tenant": "tenant" is not a string, integer, number or boolean',
    );
    expect(issuesOf(object)[0]?.hint).toContain("dotted through objects");
  });

  it("concurrency below 1", () => {
    const text = schema("    concurrency: 0\n");
    expect(issuesOf(text)).toEqual([
      expect.objectContaining({
        ...pos(text, "0\n"),
        message: "concurrency must be a whole number ≥ 1, got 0",
      }),
    ]);
  });

  it("schedules: unknown task, bad cron, bad timezone, both timings, bad catchUp, invalid payload", () => {
    const text = schema(
      "",
      `schedules:
  a: { task: reprot, every: 1m, payload: { kind: sales } }
  b: { task: report, cron: "0 25 * * *", payload: { kind: sales } }
  c: { task: report, cron: "0 3 * * *", timezone: Europe/Nowhere, payload: { kind: sales } }
  d: { task: report, cron: "0 3 * * *", every: 1h, payload: { kind: sales } }
  e: { task: report, every: 1m, catchUp: all, payload: { kind: sales } }
  f: { task: report, every: 1m, payload: { kind: weekly } }
  g: { task: report, every: 1500ms, payload: { kind: sales } }
`,
    );
    const issues = issuesOf(text);
    expect(issues.map((issue) => [issue.line, issue.col, issue.message])).toEqual([
      [...Object.values(pos(text, "reprot")), 'unknown task "reprot"; did you mean "report"?'],
      [...Object.values(pos(text, '"0 25')), 'bad cron "0 25 * * *": Invalid value for hour: 25'],
      [...Object.values(pos(text, "Europe/Nowhere")), 'unknown timezone "Europe/Nowhere"'],
      [...Object.values(pos(text, "1h")), "the schedule has both cron and every"],
      [...Object.values(pos(text, "all")), 'bad catchUp "all"'],
      [
        ...Object.values(pos(text, "{ kind: weekly }")),
        expect.stringContaining('the payload does not match task "report": kind:'),
      ],
      [...Object.values(pos(text, "1500ms")), 'bad every "1500ms"'],
    ]);
  });

  it("a schedule payload with a __proto__ key", () => {
    const text = schema(
      "",
      "schedules:\n  s: { task: report, every: 1m, payload: { kind: sales, __proto__: { x: 1 } } }\n",
    );
    expect(issuesOf(text)).toEqual([
      expect.objectContaining({
        ...pos(text, "{ kind: sales, __proto__"),
        message: 'the payload holds the key "__proto__", which payloads may not have',
      }),
    ]);
  });

  it("refuses rateLimit, concurrency and schedules on a partitioned queue", () => {
    const text = (policies: string, schedules = ""): string => `version: 1
queues:
  shards: { stream: shards, partitions: 4 }
tasks:
  report:
    queue: shards
${policies}    payload: { type: object }
${schedules}`;
    const limited = text("    rateLimit: { limit: 5, per: 1s }\n    concurrency: 2\n");
    expect(issuesOf(limited).map((issue) => [issue.line, issue.message])).toEqual([
      [
        7,
        'task "report" declares rateLimit, but its queue "shards" is partitioned; jobgen does not combine rateLimit with partitions',
      ],
      [
        8,
        'task "report" declares concurrency, but its queue "shards" is partitioned; jobgen does not combine concurrency with partitions',
      ],
    ]);
    const scheduled = text("", "schedules:\n  s: { task: report, every: 1m, payload: {} }\n");
    expect(issuesOf(scheduled).map((issue) => [issue.line, issue.message])).toEqual([
      [
        9,
        'task "report" is in the partitioned queue "shards"; jobgen does not schedule tasks of a partitioned queue',
      ],
    ]);
  });

  it("good policies reach the model, the schedule's payload with its defaults filled in", () => {
    const model = loadSchema(
      "jobs.yaml",
      schema(
        "    rateLimit: { limit: 100, per: 1m, key: tenant.id }\n    concurrency: 4\n",
        `schedules:
  nightly: { task: report, cron: "30 2 * * *", timezone: Europe/Berlin, catchUp: last, payload: { kind: sales } }
  often: { task: report, every: 10s, payload: { kind: churn } }
`,
      ),
    );
    expect(model.tasks[0]).toMatchObject({
      rateLimit: { limit: 100, perMs: 60_000, key: ["tenant", "id"] },
      concurrency: 4,
    });
    expect(model.schedules).toEqual([
      {
        name: "nightly",
        task: "report",
        cron: "30 2 * * *",
        timezone: "Europe/Berlin",
        catchUp: "last",
        payload: { kind: "sales", days: 7 },
      },
      {
        name: "often",
        task: "report",
        everyMs: 10_000,
        catchUp: "none",
        payload: { kind: "churn", days: 7 },
      },
    ]);
  });
});

// `jobgen diff`'s classifier, rule by rule: a table of schema changes (one task `t`, or whole
// files) and the verdict each direction must get. `safe` is a promise (no task becomes
// unreadable), so every row that widens or narrows is pinned in both directions.
import { describe, expect, it } from "vitest";
import type { Change, Mode, RuleId } from "../../../codegen/diff/change.js";
import { diffSchemas, isCompatible } from "../../../codegen/diff/diff.js";
import { loadSchema } from "../../../codegen/load/load.js";

type Json = Record<string, unknown>;
type Verdict = "safe" | "breaking";

interface Row {
  readonly name: string;
  readonly old: Json;
  readonly new: Json;
  readonly rule: RuleId;
  readonly backward: Verdict;
  readonly forward: Verdict;
}

/** A schema file with one task `t` of this payload (and shared types). */
function file(payload: Json, extra: { types?: Json; task?: Json; queues?: Json } = {}): Json {
  return {
    version: 1,
    ...(extra.queues === undefined ? {} : { queues: extra.queues }),
    ...(extra.types === undefined ? {} : { types: extra.types }),
    tasks: { t: { payload, ...extra.task } },
  };
}

const closed = (properties: Json, required: string[] = []): Json => ({
  type: "object",
  additionalProperties: false,
  required,
  properties,
});
const open = (properties: Json, required: string[] = []): Json => ({ type: "object", required, properties });
const str = { type: "string" };

const ROWS: readonly Row[] = [
  // properties, required, defaults
  {
    name: "optional property added to a closed object",
    old: file(closed({ a: str })),
    new: file(closed({ a: str, b: str })),
    rule: "PROPERTY_ADDED",
    backward: "safe",
    forward: "breaking",
  },
  {
    name: "required property added without a default",
    old: file(closed({ a: str })),
    new: file(closed({ a: str, b: str }, ["b"])),
    rule: "PROPERTY_ADDED",
    backward: "breaking",
    forward: "breaking",
  },
  {
    name: "required property added with a default",
    old: file(closed({ a: str })),
    new: file(closed({ a: str, b: { type: "string", default: "x" } }, ["b"])),
    rule: "PROPERTY_ADDED",
    backward: "safe",
    forward: "breaking",
  },
  {
    name: "optional property added to an open object",
    old: file(open({ a: str })),
    new: file(open({ a: str, b: str })),
    rule: "PROPERTY_ADDED",
    backward: "breaking",
    forward: "safe",
  },
  {
    name: "property with any value added to an open object",
    old: file(open({ a: str })),
    new: file(open({ a: str, b: {} })),
    rule: "PROPERTY_ADDED",
    backward: "safe",
    forward: "safe",
  },
  {
    name: "optional property removed from a closed object",
    old: file(closed({ a: str, b: str })),
    new: file(closed({ a: str })),
    rule: "PROPERTY_REMOVED",
    backward: "breaking",
    forward: "safe",
  },
  {
    name: "optional property removed from an open object",
    old: file(open({ a: str, b: str })),
    new: file(open({ a: str })),
    rule: "PROPERTY_REMOVED",
    backward: "safe",
    forward: "breaking",
  },
  {
    name: "required property removed from an open object",
    old: file(open({ a: str, b: str }, ["b"])),
    new: file(open({ a: str })),
    rule: "PROPERTY_REMOVED",
    backward: "safe",
    forward: "breaking",
  },
  {
    name: "optional property made required",
    old: file(closed({ a: str })),
    new: file(closed({ a: str }, ["a"])),
    rule: "REQUIRED_CHANGED",
    backward: "breaking",
    forward: "safe",
  },
  {
    name: "required property made optional",
    old: file(closed({ a: str }, ["a"])),
    new: file(closed({ a: str })),
    rule: "REQUIRED_CHANGED",
    backward: "safe",
    forward: "breaking",
  },
  {
    name: "required property made optional with a default",
    old: file(closed({ a: str }, ["a"])),
    new: file(closed({ a: { type: "string", default: "x" } })),
    rule: "REQUIRED_CHANGED",
    backward: "safe",
    forward: "safe",
  },
  {
    name: "default added to an optional property",
    old: file(closed({ a: str })),
    new: file(closed({ a: { type: "string", default: "x" } })),
    rule: "DEFAULT_CHANGED",
    backward: "safe",
    forward: "safe",
  },
  {
    name: "default changed",
    old: file(closed({ a: { type: "string", default: "x" } })),
    new: file(closed({ a: { type: "string", default: "y" } })),
    rule: "DEFAULT_CHANGED",
    backward: "safe",
    forward: "safe",
  },
  {
    name: "default removed from a required property",
    old: file(closed({ a: { type: "string", default: "x" } }, ["a"])),
    new: file(closed({ a: str }, ["a"])),
    rule: "DEFAULT_CHANGED",
    backward: "safe",
    forward: "safe",
  },
  // additionalProperties
  {
    name: "object closed",
    old: file(open({ a: str })),
    new: file(closed({ a: str })),
    rule: "ADDITIONAL_PROPERTIES_CHANGED",
    backward: "breaking",
    forward: "safe",
  },
  {
    name: "object opened",
    old: file(closed({ a: str })),
    new: file(open({ a: str })),
    rule: "ADDITIONAL_PROPERTIES_CHANGED",
    backward: "safe",
    forward: "breaking",
  },
  {
    name: "additionalProperties schema narrowed",
    old: file({ type: "object", additionalProperties: { type: ["string", "null"] } }),
    new: file({ type: "object", additionalProperties: str }),
    rule: "TYPE_CHANGED",
    backward: "breaking",
    forward: "safe",
  },
  // types
  {
    name: "integer widened to number",
    old: file(closed({ n: { type: "integer" } })),
    new: file(closed({ n: { type: "number" } })),
    rule: "TYPE_CHANGED",
    backward: "safe",
    forward: "breaking",
  },
  {
    name: "number narrowed to integer",
    old: file(closed({ n: { type: "number" } })),
    new: file(closed({ n: { type: "integer" } })),
    rule: "TYPE_CHANGED",
    backward: "breaking",
    forward: "safe",
  },
  {
    name: "null added to a type",
    old: file(closed({ s: str })),
    new: file(closed({ s: { type: ["string", "null"] } })),
    rule: "TYPE_CHANGED",
    backward: "safe",
    forward: "breaking",
  },
  {
    name: "type replaced",
    old: file(closed({ s: str })),
    new: file(closed({ s: { type: "boolean" } })),
    rule: "TYPE_CHANGED",
    backward: "breaking",
    forward: "breaking",
  },
  // enum / const
  {
    name: "enum value added",
    old: file(closed({ e: { type: "string", enum: ["a", "b"] } })),
    new: file(closed({ e: { type: "string", enum: ["a", "b", "c"] } })),
    rule: "ENUM_VALUES_CHANGED",
    backward: "safe",
    forward: "breaking",
  },
  {
    name: "enum value removed",
    old: file(closed({ e: { type: "string", enum: ["a", "b"] } })),
    new: file(closed({ e: { type: "string", enum: ["a"] } })),
    rule: "ENUM_VALUES_CHANGED",
    backward: "breaking",
    forward: "safe",
  },
  {
    name: "enum dropped for its type",
    old: file(closed({ e: { type: "string", enum: ["a", "b"] } })),
    new: file(closed({ e: str })),
    rule: "ENUM_VALUES_CHANGED",
    backward: "safe",
    forward: "breaking",
  },
  {
    name: "enum dropped for a narrower string",
    old: file(closed({ e: { type: "string", enum: ["a", "bbbb"] } })),
    new: file(closed({ e: { type: "string", maxLength: 2 } })),
    rule: "ENUM_VALUES_CHANGED",
    backward: "breaking",
    forward: "breaking",
  },
  {
    name: "enum added to a string",
    old: file(closed({ e: str })),
    new: file(closed({ e: { type: "string", enum: ["a"] } })),
    rule: "ENUM_VALUES_CHANGED",
    backward: "breaking",
    forward: "safe",
  },
  {
    name: "boolean made an enum of both values",
    old: file(closed({ b: { type: "boolean" } })),
    new: file(closed({ b: { enum: [true, false] } })),
    rule: "ENUM_VALUES_CHANGED",
    backward: "safe",
    forward: "safe",
  },
  {
    name: "const changed",
    old: file(closed({ k: { const: "v1" } })),
    new: file(closed({ k: { const: "v2" } })),
    rule: "ENUM_VALUES_CHANGED",
    backward: "breaking",
    forward: "breaking",
  },
  // string, number, array bounds
  {
    name: "maxLength tightened",
    old: file(closed({ s: { type: "string", maxLength: 10 } })),
    new: file(closed({ s: { type: "string", maxLength: 5 } })),
    rule: "BOUND_CHANGED",
    backward: "breaking",
    forward: "safe",
  },
  {
    name: "maxLength loosened",
    old: file(closed({ s: { type: "string", maxLength: 5 } })),
    new: file(closed({ s: { type: "string", maxLength: 10 } })),
    rule: "BOUND_CHANGED",
    backward: "safe",
    forward: "breaking",
  },
  {
    name: "minLength added",
    old: file(closed({ s: str })),
    new: file(closed({ s: { type: "string", minLength: 1 } })),
    rule: "BOUND_CHANGED",
    backward: "breaking",
    forward: "safe",
  },
  {
    name: "minimum raised",
    old: file(closed({ n: { type: "number", minimum: 0 } })),
    new: file(closed({ n: { type: "number", minimum: 1 } })),
    rule: "BOUND_CHANGED",
    backward: "breaking",
    forward: "safe",
  },
  {
    name: "exclusiveMaximum replaced by a looser maximum",
    old: file(closed({ n: { type: "number", exclusiveMaximum: 10 } })),
    new: file(closed({ n: { type: "number", maximum: 10 } })),
    rule: "BOUND_CHANGED",
    backward: "safe",
    forward: "breaking",
  },
  {
    name: "maxItems tightened",
    old: file(closed({ l: { type: "array", maxItems: 5 } })),
    new: file(closed({ l: { type: "array", maxItems: 3 } })),
    rule: "BOUND_CHANGED",
    backward: "breaking",
    forward: "safe",
  },
  {
    name: "minItems loosened",
    old: file(closed({ l: { type: "array", minItems: 2 } })),
    new: file(closed({ l: { type: "array", minItems: 1 } })),
    rule: "BOUND_CHANGED",
    backward: "safe",
    forward: "breaking",
  },
  {
    name: "uniqueItems added",
    old: file(closed({ l: { type: "array" } })),
    new: file(closed({ l: { type: "array", uniqueItems: true } })),
    rule: "UNIQUE_ITEMS_CHANGED",
    backward: "breaking",
    forward: "safe",
  },
  {
    name: "array items narrowed",
    old: file(closed({ l: { type: "array", items: { type: "number" } } })),
    new: file(closed({ l: { type: "array", items: { type: "integer" } } })),
    rule: "TYPE_CHANGED",
    backward: "breaking",
    forward: "safe",
  },
  {
    name: "multipleOf 0.01 → 0.1",
    old: file(closed({ n: { type: "number", multipleOf: 0.01 } })),
    new: file(closed({ n: { type: "number", multipleOf: 0.1 } })),
    rule: "MULTIPLE_OF_CHANGED",
    backward: "breaking",
    forward: "safe",
  },
  {
    name: "multipleOf 0.1 → 0.01",
    old: file(closed({ n: { type: "number", multipleOf: 0.1 } })),
    new: file(closed({ n: { type: "number", multipleOf: 0.01 } })),
    rule: "MULTIPLE_OF_CHANGED",
    backward: "safe",
    forward: "breaking",
  },
  // patterns and formats
  {
    name: "pattern added",
    old: file(closed({ s: str })),
    new: file(closed({ s: { type: "string", pattern: "^a" } })),
    rule: "PATTERN_CHANGED",
    backward: "breaking",
    forward: "safe",
  },
  {
    name: "pattern removed",
    old: file(closed({ s: { type: "string", pattern: "^a" } })),
    new: file(closed({ s: str })),
    rule: "PATTERN_CHANGED",
    backward: "safe",
    forward: "breaking",
  },
  {
    name: "pattern changed (undecided)",
    old: file(closed({ s: { type: "string", pattern: "^a{1,3}$" } })),
    new: file(closed({ s: { type: "string", pattern: "^a{1,4}$" } })),
    rule: "PATTERN_CHANGED",
    backward: "breaking",
    forward: "breaking",
  },
  {
    name: "format added",
    old: file(closed({ s: str })),
    new: file(closed({ s: { type: "string", format: "email" } })),
    rule: "FORMAT_CHANGED",
    backward: "breaking",
    forward: "safe",
  },
  {
    name: "format removed",
    old: file(closed({ s: { type: "string", format: "uuid" } })),
    new: file(closed({ s: str })),
    rule: "FORMAT_CHANGED",
    backward: "safe",
    forward: "breaking",
  },
  // $ref
  {
    name: "inline schema moved to a shared type unchanged",
    old: file(closed({ a: closed({ city: str }, ["city"]) })),
    new: file(closed({ a: { $ref: "#/types/Address" } }), {
      types: { Address: closed({ city: str }, ["city"]) },
    }),
    rule: "REF_CHANGED",
    backward: "safe",
    forward: "safe",
  },
  {
    name: "shared type narrowed",
    old: file(closed({ a: { $ref: "#/types/A" } }), { types: { A: closed({ n: { type: "number" } }) } }),
    new: file(closed({ a: { $ref: "#/types/A" } }), { types: { A: closed({ n: { type: "integer" } }) } }),
    rule: "TYPE_CHANGED",
    backward: "breaking",
    forward: "safe",
  },
  // oneOf / anyOf / allOf
  {
    name: "anyOf branch added",
    old: file(closed({ v: { anyOf: [str, { type: "integer" }] } })),
    new: file(closed({ v: { anyOf: [str, { type: "integer" }, { type: "boolean" }] } })),
    rule: "COMBINATOR_CHANGED",
    backward: "safe",
    forward: "breaking",
  },
  {
    name: "anyOf branch removed",
    old: file(closed({ v: { anyOf: [str, { type: "integer" }] } })),
    new: file(closed({ v: { anyOf: [str] } })),
    rule: "COMBINATOR_CHANGED",
    backward: "breaking",
    forward: "safe",
  },
  {
    name: "oneOf branch added, disjoint by type",
    old: file(closed({ v: { oneOf: [str, { type: "integer" }] } })),
    new: file(closed({ v: { oneOf: [str, { type: "integer" }, { type: "boolean" }] } })),
    rule: "COMBINATOR_CHANGED",
    backward: "safe",
    forward: "breaking",
  },
  {
    name: "oneOf branch added that overlaps",
    old: file(closed({ v: { oneOf: [str, { type: "integer" }] } })),
    new: file(closed({ v: { oneOf: [str, { type: "integer" }, { type: "number" }] } })),
    rule: "COMBINATOR_CHANGED",
    backward: "breaking",
    forward: "breaking",
  },
  {
    name: "oneOf branch widened, still discriminated",
    old: file(
      closed({
        v: {
          oneOf: [
            closed({ k: { const: "a" }, x: { type: "integer" } }, ["k"]),
            closed({ k: { const: "b" } }, ["k"]),
          ],
        },
      }),
    ),
    new: file(
      closed({
        v: {
          oneOf: [
            closed({ k: { const: "a" }, x: { type: "number" } }, ["k"]),
            closed({ k: { const: "b" } }, ["k"]),
          ],
        },
      }),
    ),
    rule: "TYPE_CHANGED",
    backward: "safe",
    forward: "breaking",
  },
  {
    name: "allOf added",
    old: file(open({ a: str })),
    new: file({ ...open({ a: str }), allOf: [{ type: "object", required: ["a"], properties: { a: str } }] }),
    rule: "COMBINATOR_CHANGED",
    backward: "breaking",
    forward: "safe",
  },
  // task, queue and policy changes
  {
    name: "task added",
    old: file(closed({})),
    new: { version: 1, tasks: { t: { payload: closed({}) }, u: { payload: closed({}) } } },
    rule: "TASK_ADDED",
    backward: "safe",
    forward: "breaking",
  },
  {
    name: "task removed",
    old: { version: 1, tasks: { t: { payload: closed({}) }, u: { payload: closed({}) } } },
    new: file(closed({})),
    rule: "TASK_REMOVED",
    backward: "breaking",
    forward: "safe",
  },
  {
    name: "task renamed",
    old: file(closed({ a: str })),
    new: { version: 1, tasks: { t2: { payload: closed({ a: str }) } } },
    rule: "TASK_RENAMED",
    backward: "breaking",
    forward: "breaking",
  },
  {
    name: "task moved to a queue with another stream",
    old: file(closed({}), { queues: { a: {}, b: {} }, task: { queue: "a" } }),
    new: file(closed({}), { queues: { a: {}, b: {} }, task: { queue: "b" } }),
    rule: "TASK_MOVED",
    backward: "breaking",
    forward: "breaking",
  },
  {
    name: "task moved to a renamed queue (same stream and group)",
    old: file(closed({}), { queues: { a: { stream: "s" } }, task: { queue: "a" } }),
    new: file(closed({}), { queues: { b: { stream: "s" } }, task: { queue: "b" } }),
    rule: "TASK_MOVED",
    backward: "safe",
    forward: "safe",
  },
  {
    name: "partitionKey added",
    old: file(closed({ id: str }, ["id"]), { queues: { default: { partitions: 3 } } }),
    new: file(closed({ id: str }, ["id"]), {
      queues: { default: { partitions: 3 } },
      task: { partitionKey: "id" },
    }),
    rule: "PARTITION_KEY_CHANGED",
    backward: "safe",
    forward: "safe",
  },
  {
    name: "queue partitioned (1 → 3)",
    old: file(closed({}), { queues: { default: {} } }),
    new: file(closed({}), { queues: { default: { partitions: 3 } } }),
    rule: "PARTITIONS_CHANGED",
    backward: "breaking",
    forward: "breaking",
  },
  {
    name: "queue partitions lowered (4 → 2)",
    old: file(closed({}), { queues: { default: { partitions: 4 } } }),
    new: file(closed({}), { queues: { default: { partitions: 2 } } }),
    rule: "PARTITIONS_CHANGED",
    backward: "breaking",
    forward: "breaking",
  },
  {
    name: "queue stream changed",
    old: file(closed({}), { queues: { default: { stream: "a" } } }),
    new: file(closed({}), { queues: { default: { stream: "b" } } }),
    rule: "QUEUE_CHANGED",
    backward: "breaking",
    forward: "breaking",
  },
  {
    name: "queue group changed",
    old: file(closed({}), { queues: { default: { group: "a" } } }),
    new: file(closed({}), { queues: { default: { group: "b" } } }),
    rule: "QUEUE_CHANGED",
    backward: "breaking",
    forward: "breaking",
  },
  {
    name: "queue dlq changed",
    old: file(closed({}), { queues: { default: { dlq: "a" } } }),
    new: file(closed({}), { queues: { default: { dlq: "b" } } }),
    rule: "QUEUE_CHANGED",
    backward: "breaking",
    forward: "breaking",
  },
  {
    name: "queue maxLen changed",
    old: file(closed({}), { queues: { default: { maxLen: 10 } } }),
    new: file(closed({}), { queues: { default: { maxLen: 5 } } }),
    rule: "POLICY_CHANGED",
    backward: "safe",
    forward: "safe",
  },
  {
    name: "retries, timeout and backoff changed",
    old: file(closed({}), { task: { maxRetries: 3, timeout: "10s" } }),
    new: file(closed({}), { task: { maxRetries: 8, timeout: "1m", backoff: { strategy: "linear" } } }),
    rule: "POLICY_CHANGED",
    backward: "safe",
    forward: "safe",
  },
  {
    name: "maxPayloadSize lowered",
    old: file(closed({}), { task: { maxPayloadSize: "1mb" } }),
    new: file(closed({}), { task: { maxPayloadSize: "1kb" } }),
    rule: "LIMIT_CHANGED",
    backward: "breaking",
    forward: "safe",
  },
];

function diff(old: Json, next: Json): Change[] {
  return diffSchemas(
    loadSchema("old.json", JSON.stringify(old)),
    loadSchema("new.json", JSON.stringify(next)),
  );
}

const verdict = (changes: readonly Change[], direction: Mode): Verdict =>
  isCompatible(changes, direction) ? "safe" : "breaking";

describe("jobgen diff: one row per rule and direction", () => {
  it("covers every rule family", () => {
    const families = new Set(ROWS.map((row) => row.rule));
    for (const rule of [
      "PROPERTY_ADDED",
      "TYPE_CHANGED",
      "ENUM_VALUES_CHANGED",
      "BOUND_CHANGED",
      "PATTERN_CHANGED",
      "FORMAT_CHANGED",
      "REF_CHANGED",
      "COMBINATOR_CHANGED",
      "TASK_MOVED",
      "QUEUE_CHANGED",
      "POLICY_CHANGED",
    ] as const) {
      expect(families).toContain(rule);
    }
  });

  it.each(ROWS)("$name: backward $backward, forward $forward ($rule)", (row) => {
    const changes = diff(row.old, row.new);
    expect(changes.map((change) => change.rule)).toContain(row.rule);
    expect({ backward: verdict(changes, "backward"), forward: verdict(changes, "forward") }).toEqual({
      backward: row.backward,
      forward: row.forward,
    });
    expect(verdict(changes, "full")).toBe(
      row.backward === "safe" && row.forward === "safe" ? "safe" : "breaking",
    );
    for (const change of changes) {
      for (const direction of ["backward", "forward"] as const) {
        const effect = change[direction];
        if (effect.breaking) {
          expect(effect.why.length, `${change.rule} ${direction} says why`).toBeGreaterThan(10);
          expect(effect.fix.length, `${change.rule} ${direction} has a fix`).toBeGreaterThan(10);
        }
      }
    }
  });

  it("an identical schema has no changes; descriptions and examples are not changes", () => {
    const base = file(closed({ a: str }));
    expect(diff(base, base)).toEqual([]);
    expect(
      diff(base, file(closed({ a: { type: "string", description: "now documented", examples: ["x"] } }))),
    ).toEqual([]);
  });

  it("a shared type used by two fields of a task is reported once for that task", () => {
    const types = (n: string) => ({ types: { M: closed({ n: { type: n } }) } });
    const changes = diff(
      file(closed({ a: { $ref: "#/types/M" }, b: { $ref: "#/types/M" } }), types("number")),
      file(closed({ a: { $ref: "#/types/M" }, b: { $ref: "#/types/M" } }), types("integer")),
    );
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      rule: "TYPE_CHANGED",
      task: "t",
      path: ["types", "M", "properties", "n", "type"],
    });
  });

  it("an enum replaced by bounds is safe backward when every value is within them (checked one by one)", () => {
    const changes = diff(
      file(closed({ n: { type: "integer", enum: [2, 4, 6] } })),
      file(closed({ n: { type: "integer", minimum: 2, maximum: 6, multipleOf: 2 } })),
    );
    expect(verdict(changes, "backward")).toBe("safe");
    // Forward, the new schema is not a list of values: jobgen does not enumerate it, and says so.
    expect(verdict(changes, "forward")).toBe("breaking");
  });

  it("for whole numbers, exclusiveMinimum 0 and minimum 1 are the same bound", () => {
    const changes = diff(
      file(closed({ n: { type: "integer", exclusiveMinimum: 0 } })),
      file(closed({ n: { type: "integer", minimum: 1 } })),
    );
    expect(changes).toEqual([]);
  });

  it("a pattern change says it could not be decided", () => {
    const [change] = diff(
      file(closed({ s: { type: "string", pattern: "^a{1,3}$" } })),
      file(closed({ s: { type: "string", pattern: "^a{1,4}$" } })),
    );
    expect(change?.backward).toMatchObject({ breaking: true, why: expect.stringContaining("undecidable") });
  });
});

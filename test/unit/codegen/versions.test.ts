// Versioned payloads in the schema: `version` and `previous` are checked where they are written,
// each payload gets a fingerprint that ignores annotations, and `jobgen diff` judges a version bump
// by whether the old version is kept (upcast: safe both ways) or dropped (breaking).
import { describe, expect, it } from "vitest";
import { isCompatible, diffSchemas } from "../../../codegen/diff/diff.js";
import { SchemaErrors } from "../../../codegen/load/issue.js";
import { loadSchema } from "../../../codegen/load/load.js";

const V1 = `version: 1
tasks:
  send_email:
    payload:
      type: object
      required: [to]
      additionalProperties: false
      properties:
        to: { type: string }
`;

/** V1 raised to version 2 with a required locale, keeping version 1 (an upcast fills it in). */
const V2_UPCAST = `version: 1
tasks:
  send_email:
    version: 2
    payload:
      type: object
      required: [to, locale]
      additionalProperties: false
      properties:
        to: { type: string }
        locale: { type: string }
    previous:
      1:
        type: object
        required: [to]
        additionalProperties: false
        properties:
          to: { type: string }
`;

function errorsOf(text: string): string[] {
  try {
    loadSchema("jobs.yaml", text);
  } catch (error) {
    if (error instanceof SchemaErrors) return error.issues.map((i) => `${i.line}:${i.col}: ${i.message}`);
    throw error;
  }
  return [];
}

const load = (text: string) => loadSchema("jobs.yaml", text);

describe("versions in the schema", () => {
  it("reads version and previous into the model, oldest first, each with a fingerprint", () => {
    const task = load(V2_UPCAST).tasks[0];
    expect(task?.version).toBe(2);
    expect(task?.previous.map((kept) => kept.version)).toEqual([1]);
    expect(task?.previous[0]?.schemaHash).toBe(load(V1).tasks[0]?.schemaHash);
    expect(task?.schemaHash).toMatch(/^[0-9a-f]{8}$/);
    expect(task?.schemaHash).not.toBe(task?.previous[0]?.schemaHash);
  });

  it("a fingerprint ignores descriptions and examples, but not a property named description", () => {
    const base = load(V1).tasks[0]?.schemaHash;
    expect(
      load(V1.replace("to: { type: string }", 'to: { type: string, description: "who", examples: [a] }'))
        .tasks[0]?.schemaHash,
    ).toBe(base);
    expect(
      load(V1.replace("to: { type: string }", "to: { type: string }\n        description: { type: string }"))
        .tasks[0]?.schemaHash,
    ).not.toBe(base);
  });

  it("positioned errors: a previous version at or above the current one, a gap, a bad version", () => {
    expect(errorsOf(V2_UPCAST.replace("version: 2", "version: 1"))).toEqual([
      '13:7: previous version "1" must be a whole number below the current version 1',
    ]);
    expect(errorsOf(V2_UPCAST.replace("version: 2", "version: 3"))).toEqual([
      "12:5: version 3 keeps version 1 but not version 2: an upcast chain goes through every version",
    ]);
    expect(errorsOf(V2_UPCAST.replace("version: 2", "version: two"))).toEqual([
      '4:14: version must be a whole number ≥ 1, got "two"',
      '13:7: previous version "1" must be a whole number below the current version 1',
    ]);
    expect(errorsOf(V2_UPCAST.replace("      1:\n", "      x1:\n"))).toEqual([
      '13:7: previous version "x1" must be a whole number below the current version 2',
    ]);
  });
});

describe("jobgen diff on versions", () => {
  const verdicts = (old: string, next: string) => {
    const changes = diffSchemas(load(old), load(next));
    return {
      rules: [...new Set(changes.map((change) => change.rule))].sort(),
      backward: isCompatible(changes, "backward") ? "safe" : "breaking",
      forward: isCompatible(changes, "forward") ? "safe" : "breaking",
    };
  };

  it("the same change without a version bump breaks backward", () => {
    expect(
      verdicts(V1, V2_UPCAST.replace("    version: 2\n", "").replace(/ {4}previous:[\s\S]*$/, "")),
    ).toEqual({
      rules: ["PROPERTY_ADDED"],
      backward: "breaking",
      forward: "breaking",
    });
  });

  it("a version bump that keeps the old version (with its upcast) is safe both ways", () => {
    expect(verdicts(V1, V2_UPCAST)).toEqual({
      rules: ["PROPERTY_ADDED", "VERSION_CHANGED"],
      backward: "safe",
      forward: "safe",
    });
  });

  it("the kept old version must still accept what old producers wrote", () => {
    const narrowed = V2_UPCAST.replace(
      "          to: { type: string }\n",
      "          to: { type: string, minLength: 5 }\n",
    );
    expect(verdicts(V1, narrowed)).toEqual({
      rules: ["BOUND_CHANGED", "PROPERTY_ADDED", "VERSION_CHANGED"],
      backward: "breaking",
      forward: "safe",
    });
  });

  it("a version bump that keeps nothing breaks backward only: queued v1 tasks become unknown_version, old workers hand v2 back", () => {
    expect(verdicts(V1, V2_UPCAST.replace(/ {4}previous:[\s\S]*$/, ""))).toEqual({
      rules: ["PROPERTY_ADDED", "VERSION_CHANGED"],
      backward: "breaking",
      forward: "safe",
    });
  });

  it("dropping a kept version later breaks backward; changing a kept version's schema is judged like a payload", () => {
    const dropped = V2_UPCAST.replace(/ {4}previous:[\s\S]*$/, "");
    expect(verdicts(V2_UPCAST, dropped)).toEqual({
      rules: ["VERSION_DROPPED"],
      backward: "breaking",
      forward: "safe",
    });
    const narrowedKept = V2_UPCAST.replace(
      "          to: { type: string }\n",
      "          to: { type: string, maxLength: 3 }\n",
    );
    expect(verdicts(V2_UPCAST, narrowedKept)).toEqual({
      rules: ["BOUND_CHANGED"],
      backward: "breaking",
      forward: "safe",
    });
  });
});

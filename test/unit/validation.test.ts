import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { TaskDefinition } from "../../runtime/types.js";
import {
  jsonNestingDepth,
  parsePayloadText,
  TaskRejectedError,
  validateDeliveredPayload,
  walkKeys,
} from "../../runtime/wire/validation.js";

const limits = { maxBytes: 1_048_576, maxDepth: 32 };

const sendEmail: TaskDefinition = {
  name: "send_email",
  queue: "default",
  validator: z.object({ to: z.string().email(), subject: z.string().max(10) }).strict(),
};

function rejection(run: () => unknown): TaskRejectedError {
  try {
    run();
  } catch (error) {
    if (error instanceof TaskRejectedError) return error;
    throw error;
  }
  throw new Error("expected a TaskRejectedError, nothing was thrown");
}

describe("jsonNestingDepth", () => {
  it.each([
    ["1", 0],
    ["{}", 1],
    ['{"a":[1,{"b":[]}]}', 4],
    ['{"a":"[[[[{{{{"}', 1],
    ['{"a":"\\"[[[["}', 1],
    ['["\\\\",[[]]]', 3],
  ])("%s nests %d deep", (text, depth) => {
    expect(jsonNestingDepth(text)).toBe(depth);
  });

  it("scans 10k-deep input without recursion and stops past the limit", () => {
    const deep = "[".repeat(10_000) + "]".repeat(10_000);
    expect(jsonNestingDepth(deep)).toBe(10_000);
    expect(jsonNestingDepth(deep, 32)).toBe(33);
  });
});

describe("walkKeys", () => {
  it.each([
    ["1", 0],
    ["{}", 1],
    ['{"a":[1,{"b":[]}]}', 4],
    ['[[],[[{"a":1}]]]', 4],
  ])("%s nests %d deep", (text, depth) => {
    const value: unknown = JSON.parse(text);
    expect(walkKeys(value, depth).tooDeep).toBe(false);
    expect(walkKeys(value, depth - 1).tooDeep).toBe(depth > 0);
  });

  it("walks a 10k-deep value without recursion, stopping past the limit", () => {
    let deep: unknown = "leaf";
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(walkKeys(deep, 32).tooDeep).toBe(true);
    expect(walkKeys(deep, 10_000)).toEqual({ tooDeep: false, issues: [] });
  });

  it("names every forbidden key with its path, once under a forbidden key, still counting depth there", () => {
    const value: unknown = JSON.parse(
      '{"a":[{"constructor":1}],"__proto__":{"prototype":{"x":{}}},"b":{"c":{"prototype":2}}}',
    );
    const { tooDeep, issues } = walkKeys(value, 4);
    expect(tooDeep).toBe(false);
    expect(issues.map((i) => i.path)).toEqual([
      ["__proto__"],
      ["b", "c", "prototype"],
      ["a", 0, "constructor"],
    ]);
    expect(walkKeys(value, 3).tooDeep).toBe(true);
  });
});

describe("parsePayloadText", () => {
  it("parses a plain payload", () => {
    expect(parsePayloadText('{"to":"a@b.c","n":[1,2]}', limits)).toEqual({ to: "a@b.c", n: [1, 2] });
  });

  it("caps the payload in UTF-8 bytes, not characters", () => {
    const cap = { maxBytes: 10, maxDepth: 4 };
    expect(parsePayloadText('"éééé"', cap)).toBe("éééé"); // 6 characters, 10 bytes
    const error = rejection(() => parsePayloadText('"ééééé"', cap)); // 7 characters, 12 bytes
    expect(error.reason).toBe("too_large");
    expect(error.message).toContain("12 bytes");
  });

  it.each([
    ['{"__proto__":{"polluted":true}}', ["__proto__"]],
    ['{"a":{"constructor":{"prototype":{"polluted":true}}}}', ["a", "constructor"]],
    ['[{"ok":1},{"prototype":{"polluted":true}}]', [1, "prototype"]],
  ])("refuses a pollution payload %s at its path, and nothing is polluted", (text, path) => {
    const error = rejection(() => parsePayloadText(text, limits));
    expect(error.reason).toBe("validation");
    expect(error.details?.issues.map((i) => i.path)).toEqual([path]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  it("rejects 10k-deep nesting as too_large without blowing the stack", () => {
    const deep = '{"a":'.repeat(10_000) + "1" + "}".repeat(10_000);
    const error = rejection(() => parsePayloadText(deep, limits));
    expect(error.reason).toBe("too_large");
    expect(error.message).toMatch(/deeper than the cap of 32/);
  });

  it("accepts nesting exactly at the cap", () => {
    const atCap = "[".repeat(32) + "]".repeat(32);
    expect(() => parsePayloadText(atCap, limits)).not.toThrow();
  });

  it("rejects a 20 MB string as too_large", () => {
    const huge = JSON.stringify({ body: "x".repeat(20 * 1024 * 1024) });
    const error = rejection(() => parsePayloadText(huge, limits));
    expect(error.reason).toBe("too_large");
    expect(error.message).toMatch(/over the cap of 1048576/);
  });

  it("counts the cap in UTF-8 bytes, not characters", () => {
    const text = JSON.stringify("é".repeat(600)); // 602 characters, 1202 bytes
    expect(() => parsePayloadText(text, { maxBytes: 1_000, maxDepth: 4 })).toThrow(/1202 bytes/);
  });

  it.each(['{"to":', "not json", "", "{'a':1}", '{"a":1}}'])("rejects malformed JSON %j", (text) => {
    expect(rejection(() => parsePayloadText(text, limits)).reason).toBe("malformed");
  });
});

describe("validateDeliveredPayload", () => {
  it("returns the payload the validator produced", () => {
    const payload = validateDeliveredPayload(
      "send_email",
      '{"to":"a@b.co","subject":"hi"}',
      sendEmail,
      limits,
    );
    expect(payload).toEqual({ to: "a@b.co", subject: "hi" });
  });

  it("rejects an unknown type", () => {
    const error = rejection(() => validateDeliveredPayload("nope", "{}", undefined, limits));
    expect(error.reason).toBe("unknown_type");
    expect(error.message).toMatch(/"nope"/);
  });

  it.each([
    [undefined, "{}"],
    ["send_email", undefined],
  ])("rejects an entry without type or payload (%s, %s) as malformed", (type, payload) => {
    expect(rejection(() => validateDeliveredPayload(type, payload, sendEmail, limits)).reason).toBe(
      "malformed",
    );
  });

  it("rejects a payload whose bytes were not valid UTF-8 as malformed, even when its lossy text would pass", () => {
    const lossy = '{"to":"a@b.co","subject":"\uFFFD"}';
    expect(validateDeliveredPayload("send_email", lossy, sendEmail, limits)).toBeDefined();
    const error = rejection(() => validateDeliveredPayload("send_email", lossy, sendEmail, limits, false));
    expect(error.reason).toBe("malformed");
    expect(error.message).toMatch(/UTF-8/);
  });

  it("lists every zod issue with its path", () => {
    const error = rejection(() =>
      validateDeliveredPayload(
        "send_email",
        '{"to":"nope","subject":"far too long","x":1}',
        sendEmail,
        limits,
      ),
    );
    expect(error.reason).toBe("validation");
    const paths = error.details?.issues.map((i) => i.path.join(".")).sort();
    expect(paths).toEqual(["", "subject", "to"]);
    expect(error.details?.issues.every((i) => i.message.length > 0)).toBe(true);
  });
});

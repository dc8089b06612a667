// Integers outside ±(2^53 − 1) are refused where they enter, never rounded on the way through.
import { describe, expect, it } from "vitest";
import { checkOutgoingPayload } from "../../runtime/producer/outgoing-payload.js";
import { z } from "zod";
import { ValidationError } from "../../runtime/errors.js";
import { TaskRejectedError, validateDeliveredPayload } from "../../runtime/wire/validation.js";
import { unsafeIntegerIssues } from "../../runtime/wire/exact-integers.js";
import { payloadIssues } from "../../codegen/operations/enqueue.js";

const definition = { name: "t", queue: "q", validator: z.unknown() };
const limits = { maxBytes: 1 << 20, maxDepth: 32 };

describe("unsafeIntegerIssues", () => {
  it("finds each integer literal outside ±(2^53 − 1), with its path", () => {
    const text = '{"a":[1,9007199254740993,{"b\\"c":-9007199254740992}],"d":"12345678901234567890"}';
    expect(unsafeIntegerIssues(text).map((issue) => issue.path)).toEqual([
      ["a", 1],
      ["a", 2, 'b"c'],
    ]);
  });

  it("finds a 16-digit integer wherever it starts (the scan reads 1 character in 16)", () => {
    for (let pad = 0; pad < 40; pad++) {
      const text = `{"${"k".repeat(pad)}":[9007199254740992]}`;
      expect(unsafeIntegerIssues(text), text).toEqual([
        { path: ["k".repeat(pad), 0], message: expect.any(String) as string },
      ]);
      expect(unsafeIntegerIssues(`{"${"k".repeat(pad)}":[900719925474099]}`)).toEqual([]);
    }
  });

  it("takes the ends of the safe range, fractions and exponents", () => {
    expect(unsafeIntegerIssues("[9007199254740991,-9007199254740991,1e308,9007199254740993.5]")).toEqual([]);
    expect(unsafeIntegerIssues("9007199254740992")).toHaveLength(1);
  });
});

describe("the worker refuses integers a number cannot carry", () => {
  it("dead-letters 2^53 + 1 as validation, naming the path and the fix", () => {
    let error: unknown;
    try {
      validateDeliveredPayload("t", '{"id":9007199254740993}', definition, limits);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TaskRejectedError);
    expect((error as TaskRejectedError).reason).toBe("validation");
    expect((error as TaskRejectedError).details?.issues).toEqual([
      { path: ["id"], message: expect.stringContaining("9007199254740993 is outside ±(2^53 − 1)") as string },
    ]);
    expect((error as TaskRejectedError).message).toContain("send it as a string");
  });

  it("delivers the largest safe integer as it was written", () => {
    expect(validateDeliveredPayload("t", '{"id":9007199254740991}', definition, limits)).toEqual({
      id: 9007199254740991,
    });
  });
});

describe("the producer refuses what the worker would", () => {
  it("refuses an integer number beyond the safe range before writing", () => {
    expect(() => checkOutgoingPayload("t", definition, { id: 2 ** 60 })).toThrow(ValidationError);
    expect(() => checkOutgoingPayload("t", definition, { id: 2 ** 53 - 1 })).not.toThrow();
  });

  it("writes an exponent-form number (1e21 and up) as JSON does, which the worker reads as a float", () => {
    const json = checkOutgoingPayload("t", definition, { x: 1e21 });
    expect(json).toBe('{"x":1e+21}');
    expect(validateDeliveredPayload("t", json, definition, limits)).toEqual({ x: 1e21 });
  });
});

describe("jobgen enqueue checks the text it is given", () => {
  it("refuses an integer JSON.parse has already rounded, which the producer could not see", () => {
    const text = '{"id":100000000000000000000001}';
    const payload: unknown = JSON.parse(text);
    expect(JSON.stringify(payload)).toBe('{"id":1.0000000000000001e+23}'); // what the producer writes: a float
    expect(payloadIssues(definition, payload, text).map((issue) => issue.path)).toEqual([["id"]]);
    expect(payloadIssues(definition, { id: 1 }, '{"id":1}')).toEqual([]);
  });
});

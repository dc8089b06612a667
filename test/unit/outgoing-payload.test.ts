import { describe, expect, it } from "vitest";
import { z } from "zod";
import { PayloadTooLargeError } from "../../runtime/errors.js";
import { checkOutgoingPayload } from "../../runtime/producer/outgoing-payload.js";
import type { TaskDefinition } from "../../runtime/types.js";

const task: TaskDefinition = {
  name: "note",
  queue: "default",
  maxPayloadBytes: 100,
  validator: z.object({ s: z.string() }),
};

describe("checkOutgoingPayload", () => {
  it("returns the payload's JSON text", () => {
    expect(checkOutgoingPayload("note", task, { s: "hi" })).toBe('{"s":"hi"}');
  });

  it("counts the cap in UTF-8 bytes, not characters", () => {
    // 45 × "é" is 53 characters but 98 bytes of JSON: under the cap of 100.
    expect(() => checkOutgoingPayload("note", task, { s: "é".repeat(45) })).not.toThrow();
    // 50 × "é" is 58 characters, under the cap, but 108 bytes: over it.
    expect(() => checkOutgoingPayload("note", task, { s: "é".repeat(50) })).toThrow(PayloadTooLargeError);
    // Astral characters: 2 UTF-16 units, 4 bytes each; 23 of them make exactly 100 bytes.
    expect(() => checkOutgoingPayload("note", task, { s: "😀".repeat(23) })).not.toThrow();
    expect(() => checkOutgoingPayload("note", task, { s: "😀".repeat(24) })).toThrow(/is 104 bytes/);
    expect(() => checkOutgoingPayload("note", task, { s: "x".repeat(92) })).not.toThrow();
    expect(() => checkOutgoingPayload("note", task, { s: "x".repeat(93) })).toThrow(/is 101 bytes/);
  });
});

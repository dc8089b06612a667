// The bucket a rate-limited task counts against: its key field's value, or one bucket per type.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { rateBucket } from "../../runtime/policy/rate-limit.js";
import type { TaskDefinition } from "../../runtime/types.js";

const task = (key?: readonly string[]): TaskDefinition => ({
  name: "deliver",
  queue: "default",
  validator: z.unknown(),
  rateLimit: { limit: 5, perMs: 1_000, ...(key === undefined ? {} : { key }) },
});

describe("rate-limit buckets", () => {
  it("is one bucket per type without a key", () => {
    expect(rateBucket(task(), JSON.stringify({ tenant: "acme" }))).toBe("*");
  });

  it("is the key's value as JSON, through nested objects", () => {
    expect(rateBucket(task(["tenant"]), JSON.stringify({ tenant: "acme" }))).toBe('"acme"');
    expect(rateBucket(task(["account", "id"]), JSON.stringify({ account: { id: 42 } }))).toBe("42");
    expect(rateBucket(task(["flag"]), JSON.stringify({ flag: true }))).toBe("true");
  });

  it("is null for a missing field, a non-scalar value or a payload that is not JSON", () => {
    expect(rateBucket(task(["tenant"]), JSON.stringify({}))).toBe("null");
    expect(rateBucket(task(["tenant"]), JSON.stringify({ tenant: { id: 1 } }))).toBe("null");
    expect(rateBucket(task(["tenant"]), "{not json")).toBe("null");
    expect(rateBucket(task(["tenant"]), undefined)).toBe("null");
  });

  it("names a long value by its digest, the same for the same value", () => {
    const long = JSON.stringify({ tenant: "x".repeat(500) });
    expect(rateBucket(task(["tenant"]), long)).toMatch(/^#[0-9a-f]{64}$/);
    expect(rateBucket(task(["tenant"]), long)).toBe(rateBucket(task(["tenant"]), long));
  });
});

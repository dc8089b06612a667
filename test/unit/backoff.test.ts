import { describe, expect, it } from "vitest";
import { backoffDelay, type ResolvedBackoffPolicy } from "../../runtime/backoff.js";

const policy = (overrides: Partial<ResolvedBackoffPolicy>): ResolvedBackoffPolicy => ({
  strategy: "exponential",
  baseMs: 1_000,
  maxMs: 300_000,
  jitter: "none",
  ...overrides,
});

describe("backoffDelay", () => {
  it.each([
    // strategy, base, max, retry number, expected
    ["exponential", 1_000, 300_000, 1, 1_000],
    ["exponential", 1_000, 300_000, 2, 2_000],
    ["exponential", 1_000, 300_000, 3, 4_000],
    ["exponential", 1_000, 300_000, 9, 256_000],
    ["exponential", 1_000, 300_000, 10, 300_000],
    ["exponential", 1_000, 300_000, 5_000, 300_000],
    ["exponential", 0, 300_000, 5_000, 0],
    ["linear", 2_000, 300_000, 1, 2_000],
    ["linear", 2_000, 300_000, 4, 8_000],
    ["linear", 2_000, 7_000, 4, 7_000],
    ["constant", 1_500, 300_000, 1, 1_500],
    ["constant", 1_500, 300_000, 20, 1_500],
    ["constant", 1_500, 1_000, 20, 1_000],
    ["exponential", 1_000, 300_000, 0, 1_000],
  ] as const)("%s base %d max %d, retry %d → %d ms", (strategy, baseMs, maxMs, n, expected) => {
    expect(backoffDelay(policy({ strategy, baseMs, maxMs }), n)).toBe(expected);
  });

  it.each([
    // jitter, random value, expected (d = 4000: exponential, base 1s, retry 3)
    ["none", 0.5, 4_000],
    ["full", 0, 0],
    ["full", 0.25, 1_000],
    ["full", 0.999_999, 4_000],
    ["equal", 0, 2_000],
    ["equal", 0.5, 3_000],
    ["equal", 0.999_999, 4_000],
  ] as const)("jitter %s with random %d → %d ms", (jitter, r, expected) => {
    expect(backoffDelay(policy({ jitter }), 3, () => r)).toBe(expected);
  });

  it("applies jitter after the cap, so a jittered delay never exceeds max", () => {
    expect(backoffDelay(policy({ maxMs: 10_000, jitter: "full" }), 30, () => 0.5)).toBe(5_000);
    expect(backoffDelay(policy({ maxMs: 10_000, jitter: "equal" }), 30, () => 0.999_999)).toBe(10_000);
  });

  it("does not draw a random number without jitter", () => {
    const random = () => {
      throw new Error("random() called");
    };
    expect(backoffDelay(policy({ jitter: "none" }), 2, random)).toBe(2_000);
  });
});

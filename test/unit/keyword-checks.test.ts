// The keyword checks generated validators call, where zod's own methods differ from JSON Schema.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  codePointLength,
  hasUniqueItems,
  isMultipleOf,
  jsonEquals,
} from "../../runtime/wire/keyword-checks.js";

describe("isMultipleOf: exact on the decimal values JSON writes", () => {
  it.each([
    [0.07, 0.01, true],
    [19.99, 0.01, true],
    [0.3, 0.1, true],
    [0.0075, 0.0001, true],
    [0.00751, 0.0001, false],
    [4.5, 1.5, true],
    [-4.5, 1.5, true],
    [35, 1.5, false],
    [1e308, 0.5, true],
    [1e308, 0.123456789, false],
    [12391239123, 1e-8, true],
    [0, 0.3, true],
    [10, 2, true],
    [7, 2, false],
    [1e21, 7, false],
    [2 ** 60, 2 ** 10, true],
    [5e-324, 5e-324, true],
    [1e-7, 3e-8, false],
  ])("%d is a multiple of %d: %s", (value, divisor, expected) => {
    expect(isMultipleOf(value, divisor)).toBe(expected);
  });

  it("agrees with exact rational arithmetic on cents and on whole numbers", () => {
    // value = n/100, divisor = d/100: a multiple exactly when d divides n.
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.integer({ min: 1, max: 1000 }),
        (n, d) => {
          expect(isMultipleOf(n / 100, d / 100)).toBe(n % d === 0);
          expect(isMultipleOf(n, d)).toBe(n % d === 0);
        },
      ),
      { numRuns: 2000, seed: 16 },
    );
  });
});

describe("jsonEquals: JSON Schema equality (enum, const)", () => {
  it.each([
    [1, 1.0, true],
    [0, -0, true],
    [false, 0, false],
    [true, 1, false],
    [null, 0, false],
    ["a", "a", true],
    [[1, [2]], [1, [2]], true],
    [[1, 2], [2, 1], false],
    [[false], [0], false],
    [{ a: 1, b: 2 }, { b: 2, a: 1 }, true],
    [{ a: 1 }, { a: 1, b: undefined }, false],
    [{ a: false }, { a: 0 }, false],
    [{}, [], false],
    [{ a: null }, {}, false],
  ])("%j = %j: %s", (a, b, expected) => {
    expect(jsonEquals(a, b)).toBe(expected);
    expect(jsonEquals(b, a)).toBe(expected);
  });
});

describe("hasUniqueItems", () => {
  it("compares items as jsonEquals does", () => {
    expect(
      hasUniqueItems([
        { a: 1, b: 2 },
        { b: 2, a: 1 },
      ]),
    ).toBe(false);
    expect(hasUniqueItems([1, 1.0])).toBe(false);
    expect(hasUniqueItems([1, true, "1", [1], { 1: 1 }, null])).toBe(true);
    expect(hasUniqueItems([[false], [0]])).toBe(true);
  });

  it("matches a pairwise jsonEquals scan on generated values", () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 6 }), (items) => {
        const pairwise = items.every((item, i) =>
          items.slice(0, i).every((other) => !jsonEquals(item, other)),
        );
        expect(hasUniqueItems(items)).toBe(pairwise);
      }),
      { numRuns: 1000, seed: 16 },
    );
  });
});

describe("codePointLength", () => {
  it("counts a surrogate pair once and a lone surrogate as one", () => {
    expect(codePointLength("")).toBe(0);
    expect(codePointLength("abc")).toBe(3);
    expect(codePointLength("😀😀")).toBe(2);
    expect(codePointLength("a\ud800b")).toBe(3);
    expect(codePointLength("\udc00\ud800")).toBe(2);
  });
});

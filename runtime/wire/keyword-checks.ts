/**
 * JSON Schema keywords whose meaning no zod method has exactly, as plain functions that generated
 * validators (and compiled ones) call: string length in code points, equality of JSON values
 * (`enum`, `const`, `uniqueItems`) and `multipleOf` on the decimal values the JSON text holds.
 */

/** String length in Unicode code points, as `minLength`/`maxLength` count it (draft 2020-12 §6.3). */
export function codePointLength(value: string): number {
  let length = value.length;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    // A high surrogate followed by a low one is one code point written as two UTF-16 units.
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--;
        i++;
      }
    }
  }
  return length;
}

/**
 * Equality of JSON values as JSON Schema defines it (draft 2020-12 core §4.2.2): same type, and
 * numbers equal in value (1 and 1.0), strings equal code unit by code unit, arrays item by item,
 * objects with the same names (in any order) and equal values. `false` is not `0`.
 */
export function jsonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEquals(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  for (const key of aKeys) {
    if (!Object.hasOwn(b, key)) return false;
    if (!jsonEquals((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** `uniqueItems: true`: no two items are equal JSON values ({@link jsonEquals}), in one pass. */
export function hasUniqueItems(items: readonly unknown[]): boolean {
  if (items.length < 2) return true;
  const seen = new Set<string>();
  for (const item of items) {
    const key = canonicalJson(item);
    if (seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

/** JSON text that is the same for two values exactly when {@link jsonEquals} holds (names sorted). */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
    return `{${members.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * `multipleOf` (draft 2020-12 validation §6.2.1): `value` divided by `divisor` is an integer,
 * computed on the decimal numbers written in JSON (the shortest text that reads back as each
 * double, as JSON.stringify and every other language's JSON writer print it), exactly, with
 * integers of any size. So 0.07 is a multiple of 0.01 and 1e308 a multiple of 0.5, where
 * floating-point division says otherwise. `divisor` is positive (the generator checks it).
 */
export function isMultipleOf(value: number, divisor: number): boolean {
  if (!Number.isFinite(value)) return false;
  // Two whole doubles: the remainder of binary floating point is exact.
  if (Number.isInteger(value) && Number.isInteger(divisor)) return value % divisor === 0;
  const [a, p] = decimal(value);
  const [b, q] = decimal(divisor);
  if (a === 0n) return true;
  // value = a·10^p, divisor = b·10^q: scale both to the smaller exponent and divide the integers.
  const low = Math.min(p, q);
  return (a * 10n ** BigInt(p - low)) % (b * 10n ** BigInt(q - low)) === 0n;
}

/** A finite double as `[digits, exponent]`, its shortest decimal text being digits·10^exponent. */
function decimal(value: number): [bigint, number] {
  const text = String(Math.abs(value));
  const e = text.indexOf("e");
  const mantissa = e === -1 ? text : text.slice(0, e);
  const exponent = e === -1 ? 0 : Number(text.slice(e + 1));
  const dot = mantissa.indexOf(".");
  if (dot === -1) return [BigInt(mantissa), exponent];
  const fraction = mantissa.slice(dot + 1);
  return [BigInt(mantissa.slice(0, dot) + fraction), exponent - fraction.length];
}

/**
 * Exact arithmetic on the numbers a schema writes, for `multipleOf`: a JavaScript number is read
 * as the decimal its shortest text spells (`0.01` is 1/100, not the nearest binary fraction).
 */

/** `value` as the fraction numerator / denominator (denominator a power of ten). */
interface Decimal {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

function toDecimal(value: number): Decimal {
  const [mantissa = "0", exponentText = "0"] = String(value).toLowerCase().split("e");
  const negative = mantissa.startsWith("-");
  const [whole = "0", fraction = ""] = mantissa.replace("-", "").split(".");
  let numerator = BigInt(`${whole}${fraction}`) * (negative ? -1n : 1n);
  let scale = fraction.length - Number(exponentText);
  if (scale < 0) {
    numerator *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { numerator, denominator: 10n ** BigInt(scale) };
}

/** Whether `value` is a whole multiple of `divisor` (> 0), exactly. */
export function isMultipleOf(value: number, divisor: number): boolean {
  const a = toDecimal(value);
  const b = toDecimal(divisor);
  // a/b_ratio = (a.n * b.d) / (a.d * b.n) must be whole.
  return (a.numerator * b.denominator) % (a.denominator * b.numerator) === 0n;
}

const UNIT_BYTES: Readonly<Record<string, number>> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };
const SIZE_TEXT = /^(\d+)\s*(b|kb|mb|gb)$/i;

/**
 * Parses a size such as `512b`, `256kb`, `1mb` (binary units: 1kb = 1024 bytes) or a plain
 * number of bytes; returns `undefined` when the value is not a positive size.
 */
export function parseSize(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const match = SIZE_TEXT.exec(value.trim());
  if (match === null) return undefined;
  const bytes = Number(match[1]) * (UNIT_BYTES[(match[2] ?? "").toLowerCase()] ?? Number.NaN);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

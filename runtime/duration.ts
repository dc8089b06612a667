/**
 * Durations as people write them in schemas and options ("250ms", "30s", "1h30m") and as the
 * Go worker package writes them on the wire (Go's time.Duration text, e.g. "1m30s").
 */

/** A duration: milliseconds as a number, or text such as `"250ms"`, `"30s"`, `"5m"`, `"1h30m"`. */
export type Duration = number | string;

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

const DURATION_TEXT = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;

/** Parses Go-style duration text into milliseconds; returns `undefined` when the text is not one. */
export function parseDurationText(text: string): number | undefined {
  if (text === "0") return 0;
  if (!DURATION_TEXT.test(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(DURATION_PART)) {
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ""] ?? Number.NaN);
  }
  return Number.isFinite(total) ? total : undefined;
}

/** Resolves a {@link Duration} to milliseconds, or throws a `RangeError` naming the bad value. */
export function toMilliseconds(value: Duration, what = "duration"): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`${what} must be a non-negative number of milliseconds, got ${value}`);
    }
    return value;
  }
  const ms = parseDurationText(value);
  if (ms === undefined) {
    throw new RangeError(`${what} "${value}" is not a duration; write it like 250ms, 30s, 5m or 1h30m`);
  }
  return ms;
}

/** Formats milliseconds as Go's `time.Duration.String()` does (`1m30s`, `250ms`, `0s`). */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return "0s";
  if (ms < 1) return `${Math.round(ms * 1000)}µs`;
  if (ms < 1000) return `${trimNumber(ms)}ms`;
  let rest = ms;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = trimNumber(rest / 1000);
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

function trimNumber(n: number): string {
  return String(Number(n.toFixed(9)));
}

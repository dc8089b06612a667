/**
 * The results table: one row per measurement, the median of every library's samples, and jobgen's
 * advantage over BullMQ oriented so that > 1 always means "jobgen better" (jobgen/BullMQ for
 * higher-is-better rows, BullMQ/jobgen for lower-is-better rows).
 */
import type { LibraryName } from "./adapters/adapter.js";
import { median } from "./stats.js";

export type Better = "higher" | "lower";

/**
 * A target: jobgen's advantage over `vs` must be at least `minAdvantage`, or (`atMost`) jobgen's
 * own figure must not exceed that value.
 */
export type Target =
  | { readonly vs: "bullmq" | "bare"; readonly minAdvantage: number; readonly text: string }
  | { readonly atMost: number; readonly text: string };

export interface RowSpec {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly better: Better;
  readonly digits: number;
  readonly targets?: readonly Target[];
}

export class Results {
  private readonly samples = new Map<string, Map<LibraryName, number[]>>();
  private readonly errors = new Map<string, Map<LibraryName, string>>();

  add(key: string, library: LibraryName, value: number): void {
    const byLibrary = this.samples.get(key) ?? new Map<LibraryName, number[]>();
    this.samples.set(key, byLibrary);
    byLibrary.set(library, [...(byLibrary.get(library) ?? []), value]);
  }

  fail(key: string, library: LibraryName, message: string): void {
    const byLibrary = this.errors.get(key) ?? new Map<LibraryName, string>();
    this.errors.set(key, byLibrary);
    byLibrary.set(library, message);
  }

  values(key: string, library: LibraryName): readonly number[] {
    return this.samples.get(key)?.get(library) ?? [];
  }

  median(key: string, library: LibraryName): number | undefined {
    const values = this.values(key, library);
    return values.length === 0 ? undefined : median(values);
  }

  error(key: string, library: LibraryName): string | undefined {
    return this.errors.get(key)?.get(library);
  }
}

/** jobgen's advantage over `other` for a row (> 1 = jobgen better), or undefined when a side is missing. */
export function advantage(row: RowSpec, results: Results, other: LibraryName): number | undefined {
  const jobgen = results.median(row.key, "jobgen");
  const theirs = results.median(row.key, other);
  if (jobgen === undefined || theirs === undefined || jobgen === 0 || theirs === 0) return undefined;
  return row.better === "higher" ? jobgen / theirs : theirs / jobgen;
}

const LIBRARIES: readonly LibraryName[] = ["jobgen", "bullmq", "bare"];

/** The table as GitHub markdown (also readable as plain text in a terminal). */
export function renderTable(rows: readonly RowSpec[], results: Results): string {
  const header = [
    "Measurement",
    "Unit (better)",
    "jobgen",
    "BullMQ",
    "bare XREADGROUP",
    "jobgen vs BullMQ (>1 = jobgen better)",
    "Target",
    "Met",
  ];
  const lines = [row(header), row(header.map(() => "---"))];
  for (const spec of rows) {
    const cells = LIBRARIES.map((library) => cell(spec, results, library));
    const vsBullmq = advantage(spec, results, "bullmq");
    const verdicts = (spec.targets ?? []).map((target) => verdict(spec, results, target));
    lines.push(
      row([
        spec.label,
        `${spec.unit} (${spec.better})`,
        ...cells,
        vsBullmq === undefined ? "" : `${vsBullmq.toFixed(2)}×`,
        (spec.targets ?? []).map((t) => t.text).join("; "),
        verdicts.join("; "),
      ]),
    );
  }
  return lines.join("\n");
}

/** "yes", or "NO" with how far off: the ratio reached against the one asked for. */
function verdict(spec: RowSpec, results: Results, target: Target): string {
  if ("atMost" in target) {
    const value = results.median(spec.key, "jobgen");
    if (value === undefined) return "n/a";
    return value <= target.atMost
      ? "yes"
      : `NO: ${format(value, spec.digits)}, ${(value / target.atMost).toFixed(2)}× the target`;
  }
  const adv = advantage(spec, results, target.vs);
  if (adv === undefined) return "n/a";
  if (adv >= target.minAdvantage) return "yes";
  // For lower-is-better rows the target reads as jobgen ≤ k × other: say jobgen's multiple of the other.
  return spec.better === "higher"
    ? `NO: ${adv.toFixed(2)}× (${((100 * adv) / target.minAdvantage).toFixed(0)} % of the target)`
    : `NO: ${(1 / adv).toFixed(2)}× ${target.vs === "bare" ? "the bare loop" : "BullMQ"}`;
}

/** Every sample behind the medians, for the record. */
export function renderSamples(rows: readonly RowSpec[], results: Results): string {
  const lines: string[] = [];
  for (const spec of rows) {
    for (const library of LIBRARIES) {
      const values = results.values(spec.key, library);
      if (values.length > 0)
        lines.push(`- ${spec.label} — ${library}: ${values.map((v) => format(v, spec.digits)).join(", ")}`);
    }
  }
  return lines.join("\n");
}

function cell(spec: RowSpec, results: Results, library: LibraryName): string {
  const value = results.median(spec.key, library);
  if (value !== undefined) return format(value, spec.digits);
  return results.error(spec.key, library) === undefined ? "" : "error";
}

function format(value: number, digits: number): string {
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(" | ")} |`;
}

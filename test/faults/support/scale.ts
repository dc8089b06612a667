/**
 * The schedule of the fault suite: `FAULTS_SCALE=short` (the default, a few minutes in all) or
 * `full` (longer loads, more kills, the 100k backlog). `FAULTS_SEED` replaces every test's fixed
 * seed, to replay a failure printed by an earlier run.
 */
export type FaultsScale = "short" | "full";

function parseScale(text: string | undefined): FaultsScale {
  if (text === undefined || text === "" || text === "short") return "short";
  if (text === "full") return "full";
  throw new Error(`FAULTS_SCALE must be "short" or "full", got "${text}"`);
}

export const SCALE: FaultsScale = parseScale(process.env.FAULTS_SCALE);

/** The value of this schedule. */
export function bySchedule<T>(short: T, full: T): T {
  return SCALE === "short" ? short : full;
}

/** What the whole suite is stated to take, printed before it runs (minutes). */
export const STATED_SUITE_MINUTES = bySchedule(5, 18);

/** The seed of one test: `FAULTS_SEED` when set, otherwise a fixed hash of the test's name. */
export function seedFor(name: string): number {
  const fromEnv = process.env.FAULTS_SEED;
  if (fromEnv !== undefined && fromEnv !== "") {
    const seed = Number(fromEnv);
    if (!Number.isSafeInteger(seed)) throw new Error(`FAULTS_SEED must be an integer, got "${fromEnv}"`);
    return seed >>> 0;
  }
  let hash = 0x811c9dc5;
  for (const char of name) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

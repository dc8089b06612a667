/**
 * How many DLQ entries each task type and each reason has, for the task types page and the DLQ
 * filters. Counting needs a scan, so it reads at most {@link TALLY_LIMIT} entries (oldest first,
 * a page of {@link TALLY_PAGE} per round trip) and is kept for {@link TALLY_TTL_MS}: a page load
 * costs a bounded amount of Redis work however large the DLQ is.
 */
import type { Admin } from "../admin/admin.js";

/** Most DLQ entries one tally reads. */
export const TALLY_LIMIT = 10_000;
/** Entries per round trip. */
const TALLY_PAGE = 1_000;
/** How long a tally is reused. */
export const TALLY_TTL_MS = 5_000;

export interface DeadLetterTally {
  readonly byType: Readonly<Record<string, number>>;
  readonly byReason: Readonly<Record<string, number>>;
  /** Entries read; less than the DLQ sizes when it stopped at {@link TALLY_LIMIT}. */
  readonly scanned: number;
  /** `false` when the DLQs hold more than {@link TALLY_LIMIT} entries (the counts are of the oldest). */
  readonly complete: boolean;
}

/** A tally reader that reuses its last result for {@link TALLY_TTL_MS}. */
export function cachedTally(admin: Admin): () => Promise<DeadLetterTally> {
  let last: { at: number; tally: Promise<DeadLetterTally> } | undefined;
  return () => {
    if (last === undefined || Date.now() - last.at > TALLY_TTL_MS) {
      const tally = tallyDeadLetters(admin);
      last = { at: Date.now(), tally };
      tally.catch(() => (last = undefined));
    }
    return last.tally;
  };
}

async function tallyDeadLetters(admin: Admin): Promise<DeadLetterTally> {
  const byType = new Map<string, number>();
  const byReason = new Map<string, number>();
  let scanned = 0;
  let cursor: string | null = null;
  do {
    const page = await admin.listDeadLetters({}, { count: TALLY_PAGE, cursor });
    for (const entry of page.entries) {
      const type = entry.type ?? "(none)";
      byType.set(type, (byType.get(type) ?? 0) + 1);
      byReason.set(entry.reason, (byReason.get(entry.reason) ?? 0) + 1);
    }
    scanned += page.entries.length;
    cursor = page.nextCursor;
  } while (cursor !== null && scanned < TALLY_LIMIT);
  return {
    byType: Object.fromEntries(byType),
    byReason: Object.fromEntries(byReason),
    scanned,
    complete: cursor === null,
  };
}

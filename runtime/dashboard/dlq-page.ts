/**
 * One page of the DLQ list. Without a task or reason filter it is one read from the cursor. With
 * one, matching entries may be rare, so the search reads at most {@link SEARCH_BUDGET} entries per
 * request: when it stops early it answers with what it found and a cursor where it stopped, and the
 * next page searches on. A request never reads the whole of a large DLQ.
 */
import type { Admin, DeadLetterEntry, DeadLetterFilter } from "../admin/admin.js";
import { matches } from "../admin/dead-letters.js";

/** Most entries one filtered page reads. */
export const SEARCH_BUDGET = 20_000;
/** Entries per round trip while searching. */
const SEARCH_READ = 1_000;

export interface DeadLetterListPage {
  readonly entries: readonly DeadLetterEntry[];
  /** Where the next page starts; `null` after the last entry. */
  readonly nextCursor: string | null;
  /** Entries read to make this page. */
  readonly searched: number;
  /** The search budget ran out before the page was full (more may match after `nextCursor`). */
  readonly stoppedEarly: boolean;
}

export async function deadLetterPage(
  admin: Admin,
  filter: DeadLetterFilter,
  count: number,
  cursor: string | null,
): Promise<DeadLetterListPage> {
  if (filter.type === undefined && filter.reason === undefined) {
    const page = await admin.listDeadLetters(filter, { count, cursor });
    return { ...page, searched: page.entries.length, stoppedEarly: false };
  }
  const where = filter.queue === undefined ? {} : { queue: filter.queue };
  const entries: DeadLetterEntry[] = [];
  let searched = 0;
  let at = cursor;
  for (;;) {
    const page = await admin.listDeadLetters(where, { count: SEARCH_READ, cursor: at });
    for (const entry of page.entries) {
      searched++;
      at = entry.ref;
      if (!matches(entry, filter)) continue;
      entries.push(entry);
      if (entries.length === count) return { entries, nextCursor: entry.ref, searched, stoppedEarly: false };
    }
    if (page.nextCursor === null) return { entries, nextCursor: null, searched, stoppedEarly: false };
    if (searched >= SEARCH_BUDGET) return { entries, nextCursor: at, searched, stoppedEarly: true };
  }
}

/**
 * `dlq replay`: moves DLQ entries back to their task's stream with the retry count reset, each in
 * one atomic step, after re-validating the payload against the current registry (replay-check.ts).
 * An entry of an earlier payload version the schema keeps is checked against that version's schema
 * and goes back as it is: the worker upcasts it when it runs it.
 */
import type { ValidationIssue } from "../errors.js";
import { DEAD_LETTER_FIELD_PREFIX } from "../wire/dead-letter.js";
import type { AdminContext } from "./context.js";
import { checkReplay } from "./replay-check.js";
import {
  findDeadLetter,
  matches,
  scanDeadLetters,
  type DeadLetterEntry,
  type DeadLetterFilter,
} from "./dead-letters.js";

/** An entry `replayDeadLetters` left in the DLQ, and why. */
export interface RefusedReplay {
  readonly ref: string;
  readonly type: string | undefined;
  readonly message: string;
  /** The validation issues against the current schema, when that was the reason. */
  readonly issues: readonly ValidationIssue[];
}

/** Progress of a replay, reported after each entry. */
export interface ReplayProgress {
  /** Entries looked at so far. */
  readonly seen: number;
  readonly replayed: number;
  readonly refused: number;
}

/** The result of `replayDeadLetters`. */
export interface ReplayReport extends ReplayProgress {
  readonly refusals: readonly RefusedReplay[];
}

export async function replayDeadLetters(
  ctx: AdminContext,
  filter: DeadLetterFilter & { readonly ref?: string },
  onProgress: ((progress: ReplayProgress) => void) | undefined,
): Promise<ReplayReport> {
  await ctx.store.connect();
  const progress = { seen: 0, replayed: 0, refused: 0 };
  const refusals: RefusedReplay[] = [];
  const refuse = (entry: DeadLetterEntry, message: string, issues: readonly ValidationIssue[] = []) => {
    progress.refused++;
    refusals.push({ ref: entry.ref, type: entry.type, message, issues });
  };
  const source: AsyncIterable<DeadLetterEntry> =
    filter.ref === undefined
      ? scanDeadLetters(ctx, filter)
      : singleEntry(await findDeadLetter(ctx, filter.ref), filter);
  for await (const entry of source) {
    progress.seen++;
    const check = checkReplay(ctx, entry);
    if (!check.ok) {
      refuse(entry, check.message, check.issues);
    } else {
      // Back to the partition it came from (its key's order, its slot); a task that moved to
      // another queue goes to that queue's partition 0.
      const replayed = await ctx.store.replayDeadLetter(
        ctx.keysOf(ctx.queueNamed(entry.queue), entry.partition).dlq,
        ctx.keysOf(ctx.queueNamed(check.queue), entry.queue === check.queue ? entry.partition : 0).stream,
        entry.entryId,
        replayFields(entry.fields),
      );
      if (replayed) progress.replayed++;
    }
    onProgress?.({ ...progress });
  }
  return { ...progress, refusals };
}

async function* singleEntry(
  entry: DeadLetterEntry | undefined,
  filter: DeadLetterFilter,
): AsyncGenerator<DeadLetterEntry> {
  if (entry !== undefined && matches(entry, filter)) yield entry;
}

/**
 * The task entry to write back: every field but `dlq_*`, `last_error` and `deferrals`, with the
 * retry count reset.
 */
function replayFields(fields: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (
      name.startsWith(DEAD_LETTER_FIELD_PREFIX) ||
      name === "retry" ||
      name === "last_error" ||
      name === "deferrals"
    ) {
      continue;
    }
    out.push(name, value);
  }
  out.push("retry", "0");
  return out;
}

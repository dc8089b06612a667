/**
 * `dlq replay`: moves DLQ entries back to their task's stream with the retry count reset, each in
 * one atomic step, after re-validating the payload against the current registry (replay-check.ts).
 * An entry of an earlier payload version the schema keeps is checked against that version's schema
 * and goes back as it is: the worker upcasts it when it runs it. A task of a queue with priority
 * levels goes back to the level it was dead-lettered from.
 */
import type { ValidationIssue } from "../errors.js";
import { isPriority } from "../policy/priority.js";
import type { QueueKeys } from "../redis/keys.js";
import { DEAD_LETTER_FIELD_PREFIX, DEAD_LETTER_FIELDS } from "../wire/dead-letter.js";
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
        targetKeys(ctx, entry, check.queue).stream,
        entry.entryId,
        replayFields(entry.fields),
      );
      if (replayed) progress.replayed++;
    }
    onProgress?.({ ...progress });
  }
  return { ...progress, refusals };
}

/**
 * Where a replayed entry goes: the level it came from on a queue with levels; else the partition it
 * came from, or partition 0 of the queue its task moved to.
 */
function targetKeys(ctx: AdminContext, entry: DeadLetterEntry, queueName: string): QueueKeys {
  const queue = ctx.queueNamed(queueName);
  const level = entry.fields[DEAD_LETTER_FIELDS.priority];
  if (queue.priorities === true) return ctx.levelKeysOf(queue, isPriority(level) ? level : "normal");
  return ctx.keysOf(queue, entry.queue === queueName ? entry.partition : 0);
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

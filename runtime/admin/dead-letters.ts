/**
 * DLQ entries as the admin API presents them: read from the store, filtered, paged by reference
 * (`<queue>/<entry id>`), and shown with sensitive payload fields redacted.
 */
import { DEFAULT_DLQ_PAGE_SIZE } from "../defaults.js";
import { redactPayload } from "../observe/redact.js";
import { argsToFields } from "../wire/codec.js";
import { DEAD_LETTER_FIELDS } from "../wire/dead-letter.js";
import type { QueueDefinition } from "../types.js";
import type { AdminContext } from "./context.js";

/** A stream entry id: `<ms>-<seq>`. */
const ENTRY_ID = /^\d+-\d+$/;

/** Entries read from a DLQ stream per round trip while filtering, replaying or purging. */
export const DLQ_SCAN_BATCH = 500;

/** Which DLQ entries an operation applies to; absent fields match everything. */
export interface DeadLetterFilter {
  /** Queue name (a key of the registry's queues). */
  readonly queue?: string | undefined;
  /** Task type (wire name). */
  readonly type?: string | undefined;
  /** DLQ reason, e.g. `validation` or `max_retries`. */
  readonly reason?: string | undefined;
}

/** One DLQ entry as `dlq list` and `dlq show` present it. */
export interface DeadLetterEntry {
  /**
   * `<queue>/<dlq entry id>`, or `<queue>/<partition>/<dlq entry id>` for a partitioned queue (each
   * partition has its own DLQ): what `dlq show` and cursors take.
   */
  readonly ref: string;
  readonly queue: string;
  /** The partition whose DLQ holds it (0 when the queue is not partitioned). */
  readonly partition: number;
  /** Entry id in the dead-letter stream. */
  readonly entryId: string;
  /** Stable task id, when the entry carries one. */
  readonly taskId: string | undefined;
  readonly type: string | undefined;
  readonly reason: string;
  readonly error: string;
  /** `dlq_details` parsed (validation issues, ...); the raw text when it is not JSON. */
  readonly details: unknown;
  /** When it was dead-lettered (RFC 3339), as recorded. */
  readonly deadLetteredAt: string | undefined;
  /** Retries done before it was dead-lettered. */
  readonly retries: number;
  /** Every field of the entry as stored (the payload field redacted in `showDeadLetter`). */
  readonly fields: Readonly<Record<string, string>>;
}

/** A DLQ entry with its payload, sensitive fields redacted. */
export interface DeadLetterView extends DeadLetterEntry {
  /** The payload parsed and redacted; `undefined` when it is missing or not JSON. */
  readonly payload: unknown;
}

/** One page of `listDeadLetters`. */
export interface DeadLetterPage {
  readonly entries: readonly DeadLetterEntry[];
  /** Pass as `cursor` for the next page; `null` at the end. */
  readonly nextCursor: string | null;
}

/** Matching entries, oldest first per queue, `count` at a time from `cursor`. */
export async function listDeadLetters(
  ctx: AdminContext,
  filter: DeadLetterFilter,
  page: { readonly count?: number; readonly cursor?: string | null },
): Promise<DeadLetterPage> {
  const count = page.count ?? DEFAULT_DLQ_PAGE_SIZE;
  const entries: DeadLetterEntry[] = [];
  for await (const entry of scanDeadLetters(ctx, filter, page.cursor)) {
    entries.push(entry);
    if (entries.length === count) return { entries, nextCursor: entry.ref };
  }
  return { entries, nextCursor: null };
}

/** One entry by `<queue>/<id>` (or a bare id, searched in every DLQ), payload redacted. */
export async function showDeadLetter(ctx: AdminContext, ref: string): Promise<DeadLetterView | undefined> {
  const entry = await findDeadLetter(ctx, ref);
  if (entry === undefined) return undefined;
  const sensitive = ctx.taskNamed(entry.type)?.sensitivePaths;
  const parsed = parsePayloadText(entry.fields.payload);
  const payload = parsed.ok ? redactPayload(parsed.value, sensitive) : undefined;
  const fields =
    parsed.ok && sensitive !== undefined && sensitive.length > 0
      ? { ...entry.fields, payload: JSON.stringify(payload) }
      : entry.fields;
  return { ...entry, fields, payload };
}

/**
 * Matching entries of every selected DLQ, oldest first per queue (per partition of a partitioned
 * queue, partition by partition), starting after `cursor`.
 */
export async function* scanDeadLetters(
  ctx: AdminContext,
  filter: DeadLetterFilter,
  cursor?: string | null,
): AsyncGenerator<DeadLetterEntry> {
  await ctx.store.connect();
  const selected = filter.queue === undefined ? ctx.queues : [ctx.queueNamed(filter.queue)];
  const after = cursor ? parseRef(ctx, cursor) : undefined;
  let started = after === undefined;
  for (const queue of selected) {
    for (const [partition, keys] of ctx.partitionsOf(queue).entries()) {
      if (!started && (queue.name !== after?.queue || partition !== after.partition)) continue;
      let start = !started && after !== undefined ? `(${after.entryId}` : "-";
      started = true;
      for (;;) {
        const batch = await ctx.store.readDeadLetters(keys.dlq, start, DLQ_SCAN_BATCH);
        for (const [entryId, raw] of batch) {
          const entry = toEntry(ctx, queue, partition, entryId, raw);
          if (matches(entry, filter)) yield entry;
        }
        const last = batch.at(-1);
        if (last === undefined || batch.length < DLQ_SCAN_BATCH) break;
        start = `(${last[0]}`;
      }
    }
  }
}

/** The entry `ref` names (`<queue>/<id>`, or a bare id looked up in every DLQ). */
export async function findDeadLetter(ctx: AdminContext, ref: string): Promise<DeadLetterEntry | undefined> {
  await ctx.store.connect();
  const parsed = ENTRY_ID.test(ref) ? undefined : parseRef(ctx, ref);
  const candidates =
    parsed === undefined
      ? ctx.queues.flatMap((queue) =>
          ctx.partitionsOf(queue).map((_, partition) => ({ queue, partition, entryId: ref })),
        )
      : [{ queue: ctx.queueNamed(parsed.queue), partition: parsed.partition, entryId: parsed.entryId }];
  for (const { queue, partition, entryId } of candidates) {
    const found = await ctx.store.readDeadLetter(ctx.keysOf(queue, partition).dlq, entryId);
    if (found !== undefined) return toEntry(ctx, queue, partition, found[0], found[1]);
  }
  return undefined;
}

export function matches(entry: DeadLetterEntry, filter: DeadLetterFilter): boolean {
  return (
    (filter.queue === undefined || entry.queue === filter.queue) &&
    (filter.type === undefined || entry.type === filter.type) &&
    (filter.reason === undefined || entry.reason === filter.reason)
  );
}

type ParsedPayload =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

/** The entry's `payload` field parsed as JSON, or why it cannot be. */
export function parsePayloadText(text: string | undefined): ParsedPayload {
  if (text === undefined) return { ok: false, error: "the entry has no payload field" };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** `<queue>/<entry id>`, or `<queue>/<partition>/<entry id>` for a partitioned queue. */
function parseRef(ctx: AdminContext, ref: string): { queue: string; partition: number; entryId: string } {
  const slash = ref.lastIndexOf("/");
  if (slash <= 0 || !ENTRY_ID.test(ref.slice(slash + 1))) {
    throw new RangeError(
      `"${ref}" is not a DLQ entry reference; expected <queue>/<entry id>, e.g. default/1700000000000-0 ` +
        `(<queue>/<partition>/<entry id> for a partitioned queue)`,
    );
  }
  const entryId = ref.slice(slash + 1);
  const head = ref.slice(0, slash);
  const partitioned = /^(.+)\/(\d+)$/.exec(head);
  const queue = ctx.queueNamed(partitioned?.[1] ?? head);
  const partition = Number(partitioned?.[2] ?? 0);
  const count = ctx.partitionsOf(queue).length;
  if (partition >= count || (count > 1 && partitioned === null)) {
    throw new RangeError(
      `"${ref}" names no DLQ: queue "${queue.name}" has ${count} partition${count === 1 ? "" : "s"}; ` +
        (count === 1
          ? `write ${queue.name}/<entry id>`
          : `write ${queue.name}/<0 to ${count - 1}>/<entry id>`),
    );
  }
  return { queue: queue.name, partition, entryId };
}

function toEntry(
  ctx: AdminContext,
  queue: QueueDefinition,
  partition: number,
  entryId: string,
  raw: readonly string[],
): DeadLetterEntry {
  const fields = argsToFields(raw);
  const detailsText = fields[DEAD_LETTER_FIELDS.details];
  let details: unknown = detailsText;
  if (detailsText !== undefined) {
    try {
      details = JSON.parse(detailsText);
    } catch {
      // Not JSON: keep the text as written.
    }
  }
  return {
    ref:
      ctx.partitionsOf(queue).length > 1
        ? `${queue.name}/${partition}/${entryId}`
        : `${queue.name}/${entryId}`,
    queue: queue.name,
    partition,
    entryId,
    taskId: fields.id,
    type: fields.type,
    reason: fields[DEAD_LETTER_FIELDS.reason] ?? "unknown",
    error: fields[DEAD_LETTER_FIELDS.error] ?? "",
    details,
    deadLetteredAt: fields[DEAD_LETTER_FIELDS.at],
    retries: Number(fields.retry ?? 0) || 0,
    fields,
  };
}

/**
 * The dashboard's JSON API. Reads go through the admin API (runtime/admin/): queue stats, DLQ pages
 * read in Redis from a cursor (XRANGE, never the whole stream: dlq-page.ts), one entry with its
 * payload redacted
 * and the replay verdict against today's schema. Writes (replay, purge) are checked by
 * write-guard.ts before they get here.
 */
import type { IncomingMessage } from "node:http";
import type { Admin, DeadLetterEntry, DeadLetterFilter } from "../admin/admin.js";
import { DEFAULT_DLQ_PAGE_SIZE } from "../defaults.js";
import { DEAD_LETTER_REASONS, type DeadLetterReason } from "../wire/dead-letter.js";
import { deadLetterPage } from "./dlq-page.js";
import type { DeadLetterTally } from "./dlq-tally.js";
import { HttpError, optionalText, readJsonObject } from "./http-io.js";
import type { ReplayJobs } from "./replay-jobs.js";
import type { TaskTypeView } from "./task-types.js";

/** Most DLQ entries one page of the API returns. */
export const MAX_DLQ_PAGE = 200;
/** Characters of an error message a DLQ list row carries (the entry view has all of it). */
const LIST_ERROR_CHARS = 300;

/** What the API handlers work with. */
export interface ApiContext {
  readonly admin: Admin;
  readonly taskTypes: readonly TaskTypeView[];
  readonly tally: () => Promise<DeadLetterTally>;
  readonly jobs: ReplayJobs;
  readonly writable: boolean;
  readonly queueNames: readonly string[];
}

/** An API route: answers a GET with its query, or a POST with its request. */
type Route = (ctx: ApiContext, query: URLSearchParams, req: IncomingMessage) => Promise<unknown>;

/** GET routes, by path below `api/`. */
export const READ_ROUTES: Readonly<Record<string, Route>> = {
  overview: async (ctx) => ({ at: Date.now(), writable: ctx.writable, queues: await ctx.admin.stats() }),
  tasks: async (ctx) => {
    const [stats, tally] = await Promise.all([ctx.admin.stats(), ctx.tally()]);
    return {
      tally: { scanned: tally.scanned, complete: tally.complete },
      tasks: ctx.taskTypes.map((task) => ({
        ...task,
        counts: {
          queue: stats.find((s) => s.queue === task.queue),
          deadLetters: tally.byType[task.name] ?? 0,
        },
      })),
    };
  },
  "dlq/facets": async (ctx) => {
    const tally = await ctx.tally();
    return {
      queues: ctx.queueNames,
      reasons: DEAD_LETTER_REASONS,
      types: ctx.taskTypes.map((t) => t.name),
      tally,
    };
  },
  dlq: async (ctx, query) => {
    const filter = filterOf(Object.fromEntries(query), ctx);
    const count = pageSize(query.get("count"));
    const [page, stats] = await Promise.all([
      deadLetterPage(ctx.admin, filter, count, optionalText(query.get("cursor"), "cursor") ?? null),
      ctx.admin.stats(),
    ]);
    return {
      entries: page.entries.map(summary),
      nextCursor: page.nextCursor,
      searched: page.searched,
      stoppedEarly: page.stoppedEarly,
      inDeadLetterQueues: stats
        .filter((s) => filter.queue === undefined || s.queue === filter.queue)
        .reduce((sum, s) => sum + s.deadLetters, 0),
    };
  },
  "dlq/entry": async (ctx, query) => {
    const ref = optionalText(query.get("ref"), "ref");
    if (ref === undefined) throw new HttpError(400, "give the entry as ?ref=<queue>/<entry id>");
    const [entry, check] = await Promise.all([ctx.admin.showDeadLetter(ref), ctx.admin.checkDeadLetter(ref)]);
    if (entry === undefined) throw new HttpError(404, `no dead-lettered task "${ref}"`);
    return { entry, check, attempts: handlerAttempts(entry) };
  },
  replay: async (ctx, query) => {
    const id = query.get("id") ?? "";
    const job = ctx.jobs.get(id);
    if (job === undefined)
      throw new HttpError(404, `no replay "${id}" (finished replays are kept for a while)`);
    return job;
  },
};

/** POST routes, by path below `api/`. */
export const WRITE_ROUTES: Readonly<Record<string, Route>> = {
  replay: async (ctx, _query, req) => {
    const body = await readJsonObject(req);
    const ref = optionalText(body.ref, "ref");
    const filter = { ...filterOf(body, ctx), ...(ref === undefined ? {} : { ref }) };
    if (Object.keys(filter).length === 0 && body.all !== true) {
      throw new HttpError(400, 'say what to replay: a "ref", a queue, type or reason, or "all": true');
    }
    return ctx.jobs.start(filter, ref === undefined ? await selectedSize(ctx, filter) : 1);
  },
  purge: async (ctx, _query, req) => {
    const body = await readJsonObject(req);
    if (body.confirm !== true) throw new HttpError(400, 'a purge needs "confirm": true in its body');
    return { purged: await ctx.admin.purgeDeadLetters(filterOf(body, ctx)) };
  },
};

function filterOf(source: Readonly<Record<string, unknown>>, ctx: ApiContext): DeadLetterFilter {
  const queue = optionalText(source.queue, "queue");
  const type = optionalText(source.type, "type");
  const reason = optionalText(source.reason, "reason");
  if (queue !== undefined && !ctx.queueNames.includes(queue)) {
    throw new HttpError(400, `unknown queue "${queue}"; the schema has: ${ctx.queueNames.join(", ")}`);
  }
  return {
    ...(queue === undefined ? {} : { queue }),
    ...(type === undefined ? {} : { type }),
    ...(reason === undefined ? {} : { reason }),
  };
}

function pageSize(text: string | null): number {
  if (text === null || text === "") return DEFAULT_DLQ_PAGE_SIZE;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_DLQ_PAGE) {
    throw new HttpError(400, `count must be an integer from 1 to ${MAX_DLQ_PAGE}`);
  }
  return n;
}

/** How many entries a replay filter selects at most: the sizes of the DLQs it reads. */
async function selectedSize(ctx: ApiContext, filter: DeadLetterFilter): Promise<number> {
  const stats = await ctx.admin.stats();
  return stats
    .filter((s) => filter.queue === undefined || s.queue === filter.queue)
    .reduce((sum, s) => sum + s.deadLetters, 0);
}

/** Reasons a worker gives before the handler runs: the entry was refused as it was read. */
const REFUSED_ON_READ: ReadonlySet<DeadLetterReason> = new Set([
  "validation",
  "unknown_type",
  "malformed",
  "too_large",
  "unknown_version",
  "version_skew",
]);

/**
 * How many times a handler ran the task: none when it was refused on read, the retries plus the
 * last attempt after a handler error; `null` when not known (`poison`: the worker died each time).
 */
function handlerAttempts(entry: DeadLetterEntry): number | null {
  if (REFUSED_ON_READ.has(entry.reason as DeadLetterReason)) return 0;
  return entry.reason === "max_retries" || entry.reason === "permanent" ? entry.retries + 1 : null;
}

/** A DLQ list row: the entry without its fields (the payload is only in the entry view). */
function summary(entry: DeadLetterEntry) {
  return {
    ref: entry.ref,
    queue: entry.queue,
    taskId: entry.taskId,
    type: entry.type,
    reason: entry.reason,
    error: entry.error.length > LIST_ERROR_CHARS ? `${entry.error.slice(0, LIST_ERROR_CHARS)}…` : entry.error,
    deadLetteredAt: entry.deadLetteredAt,
    retries: entry.retries,
    correlationId: entry.fields.correlation_id,
  };
}

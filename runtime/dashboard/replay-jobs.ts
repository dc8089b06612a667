/**
 * Replays started from the dashboard run in the background: a POST starts one and answers with its
 * id at once, and the page polls its progress (entries seen, replayed, refused) until it is done.
 * The last {@link KEPT_JOBS} jobs are kept in memory.
 */
import { randomBytes } from "node:crypto";
import type { Admin, DeadLetterFilter, RefusedReplay } from "../admin/admin.js";

/** Finished jobs kept for their progress to be read. */
const KEPT_JOBS = 20;
/** Refusals a job keeps to show (the rest are counted). */
export const REFUSALS_KEPT = 50;

/** What the page polls. */
export interface ReplayJobView {
  readonly id: string;
  readonly filter: DeadLetterFilter & { readonly ref?: string };
  /** Entries the filter selected when the job started (an estimate for a progress bar). */
  readonly total: number | undefined;
  readonly seen: number;
  readonly replayed: number;
  readonly refused: number;
  readonly done: boolean;
  /** Why the job stopped early, when it did. */
  readonly error: string | undefined;
  readonly refusals: readonly RefusedReplay[];
}

export interface ReplayJobs {
  start(filter: DeadLetterFilter & { readonly ref?: string }, total: number | undefined): ReplayJobView;
  get(id: string): ReplayJobView | undefined;
  /** Resolves when every running job has finished. */
  settled(): Promise<void>;
}

export function replayJobs(admin: Admin): ReplayJobs {
  const jobs = new Map<string, ReplayJobView>();
  const running = new Set<Promise<void>>();
  return {
    start(filter, total) {
      const id = randomBytes(8).toString("hex");
      let view: ReplayJobView = {
        id,
        filter,
        total,
        seen: 0,
        replayed: 0,
        refused: 0,
        done: false,
        error: undefined,
        refusals: [],
      };
      const update = (change: Partial<ReplayJobView>) => {
        view = { ...view, ...change };
        jobs.set(id, view);
      };
      update({});
      for (const old of [...jobs.keys()].slice(0, Math.max(0, jobs.size - KEPT_JOBS))) jobs.delete(old);
      const run = admin
        .replayDeadLetters(filter, (progress) => update(progress))
        .then(
          (report) => update({ ...report, refusals: report.refusals.slice(0, REFUSALS_KEPT), done: true }),
          (error: unknown) =>
            update({ done: true, error: error instanceof Error ? error.message : String(error) }),
        )
        .finally(() => running.delete(run));
      running.add(run);
      return view;
    },
    get: (id) => jobs.get(id),
    async settled() {
      await Promise.all(running);
    },
  };
}

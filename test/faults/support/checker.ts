/**
 * The invariants, checked from the ledger and from what Redis holds at the end:
 * I1 no loss, I2 duplicates only where a fault interrupted an attempt (and the idempotent side
 * effect once), I3 one final state, I4 quiet (nothing pending, unread or delayed). I5 (drains
 * within the stated bound) is the deadline of {@link FaultRun.drain}.
 */
import type { LedgerState, StartRecord } from "./ledger-state.js";
import type { Outcome } from "./ledger.js";

/** A repeated start is excused when its attempt was interrupted up to this long after its outcome (the ack follows it). */
const ACK_WINDOW_MS = 2_000;

export interface DeadLetterRecord {
  readonly reason: string;
  readonly error: string;
  readonly entryId: string;
  /** The `retry` field: retries done before the DLQ. */
  readonly retry: string;
}

export interface QuietState {
  readonly pending: number;
  readonly unread: number;
  readonly delayed: number;
  readonly consumersWithPending: readonly string[];
}

export interface Figures {
  readonly enqueued: number;
  readonly done: number;
  readonly deadLettered: Readonly<Record<string, number>>;
  readonly duplicates: number;
  readonly interrupted: number;
  readonly lost: number;
  readonly injected: number;
  readonly refused: number;
  readonly rejected: number;
  /** Handler completions of tasks with a side effect, and side effects performed (once each). */
  readonly effectCompletions: number;
  readonly effectsPerformed: number;
}

export interface CheckResult {
  readonly figures: Figures;
  readonly violations: string[];
}

export function quietViolations(quiet: QuietState): string[] {
  const out: string[] = [];
  if (quiet.pending > 0) out.push(`I4: ${quiet.pending} entries still pending`);
  if (quiet.unread > 0) out.push(`I4: ${quiet.unread} entries never read`);
  if (quiet.delayed > 0) out.push(`I4: ${quiet.delayed} tasks still in the delayed set`);
  if (quiet.consumersWithPending.length > 0) {
    out.push(`I4: consumers with pending work: ${quiet.consumersWithPending.join(", ")}`);
  }
  return out;
}

function sample(ids: readonly string[]): string {
  return ids.slice(0, 5).join(", ") + (ids.length > 5 ? `, … (${ids.length})` : "");
}

/** Was this start cut by a fault (its process killed, signalled, or Redis cut off) before the repeat? */
function interrupted(state: LedgerState, start: StartRecord, repeatAt: number): boolean {
  const until = Math.min((start.outcomeT ?? Number.POSITIVE_INFINITY) + ACK_WINDOW_MS, repeatAt);
  const within = (t: number): boolean => t >= start.t && t <= until;
  return (state.interruptions.get(start.pid) ?? []).some(within) || state.outages.some(within);
}

/**
 * `effectsInRedis`: the tasks whose side effect (the idempotency helper's SET NX key) exists in
 * Redis. SET NX performs it at most once by construction; the check is that every task done with
 * a side effect has it, however many times its handler ran.
 */
export function check(
  state: LedgerState,
  deadLetters: ReadonlyMap<string, readonly DeadLetterRecord[]>,
  quiet: QuietState,
  effectsInRedis: ReadonlySet<string> = new Set(),
  maxRetries = 3,
): CheckResult {
  const violations: string[] = [];
  const lost: string[] = [];
  const both: string[] = [];
  const twiceDead: string[] = [];
  const unexpected: string[] = [];
  const effectMissing: string[] = [];
  const poorRecords: string[] = [];
  const deadLettered: Record<string, number> = {};
  let done = 0;
  let effectCompletions = 0;
  let effectsPerformed = 0;

  for (const [id, accepted] of state.enqueued) {
    const isDone = (state.done.get(id) ?? 0) > 0;
    const dead = deadLetters.get(id) ?? [];
    if (isDone) done += 1;
    for (const record of dead) {
      deadLettered[record.reason] = (deadLettered[record.reason] ?? 0) + 1;
      // I1: in the DLQ "with its reason, attempts and last error".
      if (record.error.trim() === "") poorRecords.push(`${id}: no last error`);
      if (record.reason === "max_retries" && record.retry !== String(maxRetries)) {
        poorRecords.push(`${id}: retry field "${record.retry}" after ${maxRetries} retries`);
      }
    }
    if (!isDone && dead.length === 0) lost.push(id);
    if (isDone && dead.length > 0) both.push(id);
    if (dead.length > 1) twiceDead.push(id);
    const outcome: Outcome | undefined = isDone ? "done" : dead[0] ? `dlq:${dead[0].reason}` : undefined;
    if (outcome !== undefined && !accepted.expect.includes(outcome)) {
      unexpected.push(`${id} (seq ${accepted.seq}): ${outcome}, expected ${accepted.expect.join(" or ")}`);
    }
    if (accepted.effect) {
      effectCompletions += state.done.get(id) ?? 0;
      if (effectsInRedis.has(id)) effectsPerformed += 1;
      if (isDone && !effectsInRedis.has(id)) effectMissing.push(id);
    }
  }
  if (lost.length > 0) violations.push(`I1: ${lost.length} accepted tasks lost: ${sample(lost)}`);
  if (poorRecords.length > 0) violations.push(`I1: incomplete DLQ records: ${sample(poorRecords)}`);
  if (both.length > 0) violations.push(`I3: done and dead-lettered: ${sample(both)}`);
  if (twiceDead.length > 0) violations.push(`I3: dead-lettered more than once: ${sample(twiceDead)}`);
  if (unexpected.length > 0) violations.push(`unexpected outcome: ${sample(unexpected)}`);
  if (effectMissing.length > 0) violations.push(`I2: done without its side effect: ${sample(effectMissing)}`);

  let duplicates = 0;
  let interruptedCount = 0;
  const unexcused: string[] = [];
  for (const [id, starts] of state.starts) {
    const byAttempt = new Map<number, StartRecord[]>();
    for (const start of starts)
      byAttempt.set(start.attempt, [...(byAttempt.get(start.attempt) ?? []), start]);
    for (const [attempt, runs] of byAttempt) {
      duplicates += runs.length - 1;
      for (let i = 0; i + 1 < runs.length; i++) {
        const run = runs[i];
        const repeat = runs[i + 1];
        if (run === undefined || repeat === undefined) continue;
        if (interrupted(state, run, repeat.t)) interruptedCount += 1;
        else unexcused.push(`${id} attempt ${attempt} (pid ${run.pid}, then pid ${repeat.pid})`);
      }
    }
  }
  if (unexcused.length > 0) {
    violations.push(
      `I2: ${unexcused.length} repeated starts without an interrupting fault: ${sample(unexcused)}`,
    );
  }

  // A rejected enqueue may have been written before its reply was lost: at most one such task each.
  const unknownDone = [...state.done.keys()].filter(
    (id) => !state.enqueued.has(id) && !state.injected.has(id),
  );
  if (unknownDone.length > state.rejected) {
    violations.push(
      `handled tasks the producer never saw accepted: ${sample(unknownDone)} (${state.rejected} enqueues rejected)`,
    );
  }

  for (const [id, injected] of state.injected) {
    const dead = deadLetters.get(id) ?? [];
    const reasons = dead.map((d) => d.reason);
    if (dead.length !== 1 || !injected.reasons.includes(dead[0]?.reason ?? "")) {
      violations.push(
        `poison ${injected.kind}: DLQ reasons [${reasons.join(", ")}], expected one of [${injected.reasons.join(", ")}]`,
      );
    }
    if (dead.some((d) => d.retry !== "0")) violations.push(`poison ${injected.kind}: retried before the DLQ`);
    for (const record of dead) deadLettered[record.reason] = (deadLettered[record.reason] ?? 0) + 1;
    if (state.starts.has(id)) violations.push(`poison ${injected.kind}: its handler ran`);
  }
  if (state.polluted) violations.push("a worker reported Object.prototype polluted");
  for (const read of state.readsAfterSignal) {
    violations.push(`worker ${read.pid} sent ${read.command} after it saw SIGTERM (a new read)`);
  }
  violations.push(...quietViolations(quiet));

  return {
    figures: {
      enqueued: state.enqueued.size,
      done,
      deadLettered,
      duplicates,
      interrupted: interruptedCount,
      lost: lost.length,
      injected: state.injected.size,
      refused: state.refused,
      rejected: state.rejected,
      effectCompletions,
      effectsPerformed,
    },
    violations,
  };
}

/** The one line a test prints: enqueued / done / dead-lettered by reason / duplicates / lost. */
export function figuresLine(figures: Figures): string {
  const dead = Object.entries(figures.deadLettered)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([reason, count]) => `${reason}=${count}`)
    .join(" ");
  const injected = figures.injected > 0 ? ` (+${figures.injected} injected)` : "";
  const refused =
    (figures.refused > 0 ? ` / refused (full) ${figures.refused}` : "") +
    (figures.rejected > 0 ? ` / not accepted (outage) ${figures.rejected}` : "");
  const effects =
    figures.effectCompletions > 0
      ? ` (side effects ${figures.effectsPerformed} for ${figures.effectCompletions} completions)`
      : "";
  return (
    `enqueued ${figures.enqueued}${injected}${refused} / done ${figures.done} / dead-lettered ${dead || "0"} / ` +
    `duplicates ${figures.duplicates}${effects} (interrupted ${figures.interrupted}) / lost ${figures.lost}`
  );
}

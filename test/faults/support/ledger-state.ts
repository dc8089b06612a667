/** What the ledger says so far, folded event by event; the checker and the test's watchdogs read it. */
import type { LedgerEvent, Outcome } from "./ledger.js";

export interface StartRecord {
  readonly pid: number;
  readonly attempt: number;
  readonly t: number;
  /** When this attempt reported done or failed in the same process. */
  outcomeT?: number;
  /** It reported failed (the handler's planned failure). */
  failed?: boolean;
}

export interface Accepted {
  readonly seq: number;
  readonly expect: readonly Outcome[];
  readonly effect: boolean;
}

export class LedgerState {
  readonly enqueued = new Map<string, Accepted>();
  refused = 0;
  /** Enqueues given up during an outage (not accepted; one may still have been written). */
  rejected = 0;
  readonly injected = new Map<string, { kind: string; reasons: readonly string[]; entryId: string }>();
  readonly starts = new Map<string, StartRecord[]>();
  readonly done = new Map<string, number>();
  failed = 0;
  /** Time of the latest done event. */
  lastDoneAt = 0;
  readonly effects = new Map<string, number>();
  readonly hooks: { id: string; attempt: number; point: string; pid: number; t: number }[] = [];
  readonly blocked: { id: string; pid: number; t: number }[] = [];
  readonly ready = new Set<number>();
  /** Interruptions per worker pid: abnormal exits and signals sent by the test. */
  readonly interruptions = new Map<number, number[]>();
  readonly exits: { pid: number; t: number; code: number | null; signal: string | null }[] = [];
  readonly outages: number[] = [];
  readonly maxRssByPid = new Map<number, number>();
  /** Time of each worker's latest report. */
  readonly lastReportAt = new Map<number, number>();
  readonly signals: { pid: number; t: number; signal: string }[] = [];
  /** When each worker process saw SIGTERM. */
  readonly sigtermSeen = new Map<number, number>();
  readonly readsAfterSignal: { pid: number; command: string }[] = [];
  polluted = false;

  apply(event: LedgerEvent): void {
    switch (event.ev) {
      case "enqueued":
        this.enqueued.set(event.id, { seq: event.seq, expect: event.expect, effect: event.effect });
        break;
      case "refused":
        if (event.code === "QUEUE_FULL") this.refused += 1;
        else this.rejected += 1;
        break;
      case "injected":
        this.injected.set(event.id, { kind: event.kind, reasons: event.reasons, entryId: event.entryId });
        break;
      case "started": {
        const list = this.starts.get(event.id) ?? [];
        list.push({ pid: event.pid, attempt: event.attempt, t: event.t });
        this.starts.set(event.id, list);
        break;
      }
      case "done":
      case "failed": {
        if (event.ev === "done") {
          this.done.set(event.id, (this.done.get(event.id) ?? 0) + 1);
          this.lastDoneAt = event.t;
        } else this.failed += 1;
        const open = (this.starts.get(event.id) ?? []).findLast(
          (s) => s.pid === event.pid && s.attempt === event.attempt && s.outcomeT === undefined,
        );
        if (open) {
          open.outcomeT = event.t;
          open.failed = event.ev === "failed";
        }
        break;
      }
      case "effect":
        this.effects.set(event.id, (this.effects.get(event.id) ?? 0) + 1);
        break;
      case "hook":
        this.hooks.push({
          id: event.id,
          attempt: event.attempt,
          point: event.point,
          pid: event.pid,
          t: event.t,
        });
        this.interrupt(event.pid, event.t);
        break;
      case "blocked":
        this.blocked.push({ id: event.id, pid: event.pid, t: event.t });
        break;
      case "ready":
        this.ready.add(event.pid);
        break;
      case "report":
        this.maxRssByPid.set(event.pid, Math.max(this.maxRssByPid.get(event.pid) ?? 0, event.rss));
        this.lastReportAt.set(event.pid, event.t);
        if (event.polluted) this.polluted = true;
        break;
      case "signal":
        this.signals.push({ pid: event.pid, t: event.t, signal: event.signal });
        if (event.signal !== "SIGCONT") this.interrupt(event.pid, event.t);
        break;
      case "exited":
        this.exits.push({ pid: event.pid, t: event.t, code: event.code, signal: event.signal });
        if (event.code !== 0) this.interrupt(event.pid, event.t);
        break;
      case "sigterm-seen":
        this.sigtermSeen.set(event.pid, event.t);
        break;
      case "read-after-signal":
        this.readsAfterSignal.push({ pid: event.pid, command: event.command });
        break;
      case "outage":
        this.outages.push(event.t);
        break;
    }
  }

  private interrupt(pid: number, t: number): void {
    const list = this.interruptions.get(pid) ?? [];
    list.push(t);
    this.interruptions.set(pid, list);
  }

  /** Attempts started in this worker process that have no outcome yet. */
  inFlight(pid: number): number {
    let count = 0;
    for (const starts of this.starts.values()) {
      for (const start of starts) if (start.pid === pid && start.outcomeT === undefined) count += 1;
    }
    return count;
  }

  get maxRss(): number {
    return Math.max(0, ...this.maxRssByPid.values());
  }

  /** Workers that exited other than cleanly (killed, crashed, `process.exit(3)`). */
  get abnormalExits(): number {
    return this.exits.filter((e) => e.code !== 0).length;
  }
}

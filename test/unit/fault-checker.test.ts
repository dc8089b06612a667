// The fault suite's checker must be able to fail: it flags lost tasks, repeats no fault explains,
// double final states and poison that ran, and excuses a repeat after its worker was killed.
import { describe, expect, it } from "vitest";
import { check, type DeadLetterRecord, type QuietState } from "../faults/support/checker.js";
import { LedgerState } from "../faults/support/ledger-state.js";
import type { LedgerEntry } from "../faults/support/ledger.js";

const QUIET: QuietState = { pending: 0, unread: 0, delayed: 0, consumersWithPending: [] };

function stateOf(events: readonly (LedgerEntry & { t?: number })[]): LedgerState {
  const state = new LedgerState();
  events.forEach((event, i) => state.apply({ t: i, ...event } as Parameters<LedgerState["apply"]>[0]));
  return state;
}

const accepted = (id: string): LedgerEntry => ({
  ev: "enqueued",
  id,
  seq: 0,
  expect: ["done"],
  effect: false,
});
const run = (ev: "started" | "done" | "failed", id: string, pid: number, attempt = 1): LedgerEntry => ({
  ev,
  id,
  seq: 0,
  pid,
  consumer: `c${pid}`,
  attempt,
});

describe("fault checker", () => {
  it("passes a task done once", () => {
    const state = stateOf([accepted("a"), run("started", "a", 1), run("done", "a", 1)]);
    expect(check(state, new Map(), QUIET).violations).toEqual([]);
  });

  it("flags an accepted task that is neither done nor dead-lettered (I1)", () => {
    const result = check(stateOf([accepted("a"), run("started", "a", 1)]), new Map(), QUIET);
    expect(result.figures.lost).toBe(1);
    expect(result.violations.join()).toMatch(/I1/);
  });

  it("flags a repeated start that no fault explains, and excuses one after a kill (I2)", () => {
    const repeated = [
      accepted("a"),
      run("started", "a", 1),
      run("done", "a", 1),
      run("started", "a", 2),
      run("done", "a", 2),
    ];
    expect(check(stateOf(repeated), new Map(), QUIET).violations.join()).toMatch(/I2/);
    const killed: LedgerEntry[] = [
      accepted("a"),
      run("started", "a", 1),
      { ev: "exited", pid: 1, consumer: "c1", code: null, signal: "SIGKILL" },
      run("started", "a", 2),
      run("done", "a", 2),
    ];
    const result = check(stateOf(killed), new Map(), QUIET);
    expect(result.violations).toEqual([]);
    expect(result.figures.duplicates).toBe(1);
  });

  it("flags a task both done and dead-lettered (I3) and an unexpected outcome", () => {
    const dlq = new Map<string, DeadLetterRecord[]>([
      ["a", [{ reason: "poison", error: "", entryId: "1-0", retry: "0" }]],
    ]);
    const violations = check(
      stateOf([accepted("a"), run("started", "a", 1), run("done", "a", 1)]),
      dlq,
      QUIET,
    ).violations;
    expect(violations.join()).toMatch(/I3/);
  });

  it("flags poison whose handler ran or that reached the DLQ with another reason", () => {
    const injected: LedgerEntry = {
      ev: "injected",
      id: "p",
      kind: "not-json",
      entryId: "1-0",
      reasons: ["malformed"],
    };
    const dlq = new Map<string, DeadLetterRecord[]>([
      ["p", [{ reason: "validation", error: "", entryId: "1-0", retry: "0" }]],
    ]);
    const violations = check(stateOf([injected, run("started", "p", 1)]), dlq, QUIET).violations.join();
    expect(violations).toMatch(/handler ran/);
    expect(violations).toMatch(/expected one of \[malformed\]/);
  });

  it("allows one handled-but-never-accepted task per rejected enqueue, not more", () => {
    const rejected: LedgerEntry = { ev: "refused", seq: 1, code: "REDIS" };
    const stray = [run("started", "x", 1), run("done", "x", 1)];
    expect(check(stateOf([rejected, ...stray]), new Map(), QUIET).violations).toEqual([]);
    expect(check(stateOf(stray), new Map(), QUIET).violations.join()).toMatch(/never saw accepted/);
  });

  it("flags work left pending, unread or delayed (I4)", () => {
    const quiet = { pending: 1, unread: 2, delayed: 3, consumersWithPending: ["workers/c1"] };
    expect(check(new LedgerState(), new Map(), quiet).violations).toHaveLength(4);
  });
});

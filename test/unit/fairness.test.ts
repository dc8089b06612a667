import { describe, expect, it } from "vitest";
import {
  FairnessRound,
  PRIORITY_LEVELS,
  type Fairness,
  type Priority,
} from "../../runtime/policy/priority.js";

/** Simulates fetches of `batch` from backlogs; returns how many of each level were delivered. */
function deliver(fairness: Fairness, backlog: Record<Priority, number>, fetches: number, batch = 10) {
  const round = new FairnessRound(fairness);
  const left = { ...backlog };
  const got: Record<Priority, number> = { high: 0, normal: 0, low: 0 };
  const order: Priority[] = [];
  for (let f = 0; f < fetches; f++) {
    round.startFetch();
    let wanted = batch;
    for (let step = round.next(wanted); step && wanted > 0; step = round.next(wanted)) {
      const n = Math.min(step.count, left[step.level]);
      left[step.level] -= n;
      got[step.level] += n;
      for (let i = 0; i < n; i++) order.push(step.level);
      round.took(step.level, step.count, n);
      wanted -= n;
    }
  }
  return { got, order };
}

describe("FairnessRound", () => {
  it("strict: a lower level only when every higher one is empty", () => {
    const { order } = deliver("strict", { high: 15, normal: 15, low: 15 }, 5);
    expect(order).toEqual([
      ...Array<Priority>(15).fill("high"),
      ...Array<Priority>(15).fill("normal"),
      ...Array<Priority>(15).fill("low"),
    ]);
  });

  it("weighted 8:4:1: every level backlogged, deliveries follow the weights", () => {
    const { got } = deliver(
      { high: 8, normal: 4, low: 1 },
      { high: 10_000, normal: 10_000, low: 10_000 },
      130,
    );
    expect(got).toEqual({ high: 800, normal: 400, low: 100 });
  });

  it("weighted: an empty level's share goes to the others; nothing is left unread", () => {
    const { got } = deliver({ high: 8, normal: 4, low: 1 }, { high: 0, normal: 30, low: 10 }, 4);
    expect(got).toEqual({ high: 0, normal: 30, low: 10 });
  });

  it("lists the levels highest first", () => {
    expect(PRIORITY_LEVELS).toEqual(["high", "normal", "low"]);
  });
});

// When schedules tick: every multiple of `every` since the epoch; cron in its timezone across DST.
import { describe, expect, it } from "vitest";
import { scheduleClock } from "../../runtime/policy/schedule-clock.js";

const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();

describe("schedule clock", () => {
  it("every: ticks on the multiples of the interval, the same for every worker", async () => {
    const clock = await scheduleClock({ task: "t", everyMs: 5_000, payload: {} });
    expect(clock.next(Date.parse("2026-01-01T00:00:07.123Z"))).toBe(Date.parse("2026-01-01T00:00:10Z"));
    expect(clock.next(Date.parse("2026-01-01T00:00:10Z"))).toBe(Date.parse("2026-01-01T00:00:15Z"));
    expect(clock.previous(Date.parse("2026-01-01T00:00:10Z"))).toBe(Date.parse("2026-01-01T00:00:10Z"));
    expect(clock.previous(Date.parse("2026-01-01T00:00:09.999Z"))).toBe(Date.parse("2026-01-01T00:00:05Z"));
  });

  it("cron with seconds: the next tick is strictly after, the previous one at or before", async () => {
    const clock = await scheduleClock({ task: "t", cron: "*/10 * * * * *", payload: {} });
    const at = Date.parse("2026-01-01T00:00:10Z");
    expect(iso(clock.next(at))).toBe("2026-01-01T00:00:20.000Z");
    expect(iso(clock.previous(at))).toBe("2026-01-01T00:00:10.000Z");
    expect(iso(clock.previous(at - 1))).toBe("2026-01-01T00:00:00.000Z");
  });

  it("follows the timezone across DST: a skipped 02:30 runs after the gap, a repeated 02:30 once", async () => {
    const clock = await scheduleClock({
      task: "t",
      cron: "30 2 * * *",
      timezone: "Europe/Berlin",
      payload: {},
    });
    // 29 March 2026: 02:00 CET jumps to 03:00 CEST.
    expect(iso(clock.next(Date.parse("2026-03-28T12:00:00Z")))).toBe("2026-03-29T01:00:00.000Z");
    expect(iso(clock.next(Date.parse("2026-03-29T12:00:00Z")))).toBe("2026-03-30T00:30:00.000Z");
    // 25 October 2026: 03:00 CEST goes back to 02:00 CET; 02:30 happens twice and runs once.
    const first = clock.next(Date.parse("2026-10-24T12:00:00Z"));
    expect(iso(first)).toBe("2026-10-25T00:30:00.000Z");
    expect(iso(clock.next(first ?? 0))).toBe("2026-10-26T01:30:00.000Z");
  });
});

import { describe, expect, it } from "vitest";
import { formatGoDuration, parseDurationText, toMilliseconds } from "../../runtime/duration.js";

describe("durations", () => {
  it.each([
    ["250ms", 250],
    ["30s", 30_000],
    ["5m", 300_000],
    ["1h30m", 5_400_000],
    ["1.5s", 1_500],
    ["0", 0],
  ])("parses %s", (text, ms) => {
    expect(parseDurationText(text)).toBe(ms);
  });

  it.each(["", "30", "5 m", "1d", "-1s", "s"])("rejects %j", (text) => {
    expect(parseDurationText(text)).toBeUndefined();
    expect(() => toMilliseconds(text, "timeout")).toThrow(/timeout ".*" is not a duration/);
  });

  it.each([
    [0, "0s"],
    [250, "250ms"],
    [30_000, "30s"],
    [90_000, "1m30s"],
    [5_400_000, "1h30m0s"],
    [1_500, "1.5s"],
  ])("formats %d ms as Go does: %s", (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
    expect(parseDurationText(text)).toBe(ms);
  });
});

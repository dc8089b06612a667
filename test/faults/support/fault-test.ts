/** Runs one fault scenario in its own world and asserts the invariants at the end. */
import { expect } from "vitest";
import { FaultRun, type RunOptions } from "./run.js";

/** `body` drives the fault and returns a note for the figures line (kills, drain time, …). */
export async function withFaultRun(
  options: RunOptions,
  body: (run: FaultRun) => Promise<string>,
): Promise<void> {
  const run = await FaultRun.start(options);
  let passed = false;
  try {
    const note = await body(run);
    const result = await run.finish(note);
    expect(result.violations).toEqual([]);
    passed = true;
  } finally {
    await run.close(!passed);
  }
}

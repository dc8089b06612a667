/**
 * Runs one fault scenario in its own world and asserts the invariants at the end. Its directory
 * (ledger, worker logs) is kept when it fails, or always with `FAULTS_KEEP=1`.
 */
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
    await run.close(!passed || process.env.FAULTS_KEEP === "1");
  }
}

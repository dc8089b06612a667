/**
 * "Only the first time" across worker processes and restarts: a marker file created with `wx`
 * (fails when it exists). Used for faults that must strike one delivery, not every redelivery.
 */
import { openSync, closeSync } from "node:fs";
import { join } from "node:path";

export function firstTime(markerDir: string, name: string): boolean {
  try {
    closeSync(openSync(join(markerDir, name), "wx"));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

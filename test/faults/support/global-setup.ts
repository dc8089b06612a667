// Prints the schedule and its stated duration before the fault suite runs.
import { SCALE, STATED_SUITE_MINUTES } from "./scale.js";

export function setup(): void {
  console.log(
    `[faults] schedule ${SCALE} (FAULTS_SCALE=short|full): stated duration about ${STATED_SUITE_MINUTES} minutes; ` +
      `FAULTS_SEED=<n> replays one seed`,
  );
}

// Prints vitest's JSON report as one plain closing line: "tests: N passed, N failed, N skipped".
// Exits 1 when the report counts no executed test, so a run that tested nothing never passes.
import { readFileSync } from "node:fs";

const report = JSON.parse(readFileSync(process.argv[2] ?? ".tmp/vitest.json", "utf8"));
const passed = report.numPassedTests ?? 0;
const failed = report.numFailedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (passed + failed === 0) {
  console.error("no test ran");
  process.exit(1);
}
process.exit(failed > 0 ? 1 : 0);

// Prints vitest JSON reports as one plain closing line: "tests: N passed, N failed, N skipped"
// (summed over every report given). Exits 1 when a report is missing, counts no executed test,
// or counts a failure, so a run that tested nothing never passes.
import { existsSync, readFileSync } from "node:fs";

const files = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
let empty = false;
for (const file of files.length > 0 ? files : [".tmp/vitest.json"]) {
  if (!existsSync(file)) {
    console.error(`no test report at ${file}: the test run did not finish`);
    process.exit(1);
  }
  const report = JSON.parse(readFileSync(file, "utf8"));
  const p = report.numPassedTests ?? 0;
  const f = report.numFailedTests ?? 0;
  if (p + f === 0) {
    console.error(`${file}: no test ran`);
    empty = true;
  }
  passed += p;
  failed += f;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || empty ? 1 : 0);

/**
 * `npm run test:conformance`: every case of the official JSON Schema Test Suite (draft 2020-12)
 * through jobgen's own validation. Each group's schema becomes a task payload (see adapt.ts);
 * the schemas jobgen accepts are generated in one batch by the real generator, and every case of
 * them is judged by the worker's delivery check, the typed producer and the CLI's validators
 * (paths.ts). Prints pass, fail and refused counts per file, then `N passed, N failed, N refused`;
 * exits 1 on any failure, or when docs/conformance.md does not list exactly the refused cases
 * (`--update-docs` rewrites that list).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { generate } from "../../codegen/generate.js";
import { SchemaErrors } from "../../codegen/load/issue.js";
import { loadSchema } from "../../codegen/load/load.js";
import { registryFromModel } from "../../codegen/operations/schema-registry.js";
import type { TaskRegistry } from "../../runtime/types.js";
import { payloadOf } from "./adapt.js";
import { stringifyLossless } from "./lossless-json.js";
import { unsafeIntegerIssues } from "../../runtime/index.js";
import { judge, PATHS, type CaseTask, type PathName, type Verdict } from "./paths.js";
import { DOCS_FILE, refusalTable, replaceRefusalTable, type Refusal } from "./refusals.js";
import { readSuite, suiteRoot, type SuiteCase, type SuiteGroup } from "./suite.js";

const repoRoot = resolve(import.meta.dirname, "../..");
const outDir = join(repoRoot, ".tmp/conformance/generated");
const SCHEMA_FILE = "conformance.json";

interface FileCounts {
  passed: number;
  failed: number;
  refused: number;
}

async function main(): Promise<number> {
  const started = performance.now();
  const groups = readSuite(suiteRoot(repoRoot));
  const tasks = groups.map((group, index) => ({ group, name: `c${String(index).padStart(4, "0")}` }));

  // The schemas jobgen refuses, with the generator's own reasons; the others become one schema file.
  const refusals: Refusal[] = [];
  const accepted: typeof tasks = [];
  for (const task of tasks) {
    const reason = schemaRefusal(task.group, task.name);
    if (reason === undefined) accepted.push(task);
    else refusals.push({ file: task.group.file, group: task.group.description, reason });
  }
  const schemaText = schemaFile(accepted.map(({ group, name }) => [name, group]));
  const generated = await generatedRegistry(schemaText);
  const cli = registryFromModel(loadSchema(SCHEMA_FILE, schemaText));

  const counts = new Map<string, FileCounts>();
  const failures: string[] = [];
  const countOf = (file: string): FileCounts => {
    let entry = counts.get(file);
    if (entry === undefined) counts.set(file, (entry = { passed: 0, failed: 0, refused: 0 }));
    return entry;
  };
  for (const { group } of tasks) countOf(group.file);
  for (const refusal of refusals) {
    const group = groups.find((g) => g.file === refusal.file && g.description === refusal.group);
    countOf(refusal.file).refused += group?.cases.length ?? 0;
  }
  for (const { group, name } of accepted) {
    const generatedTask = generated.tasks[name];
    const cliTask = cli.tasks[name];
    if (generatedTask === undefined || cliTask === undefined)
      throw new Error(`task ${name} was not generated`);
    const task: CaseTask = { name, generated: generatedTask, cli: cliTask };
    for (const testCase of group.cases) {
      const verdicts = pathsFor(testCase).map((path) => [path, judge(path, task, testCase.data)] as const);
      const deliberate = deliberateRefusal(group, testCase);
      const wrong = verdicts.filter(([, verdict]) =>
        deliberate === undefined ? verdict.accepted !== testCase.valid : verdict.accepted,
      );
      if (wrong.length > 0) {
        countOf(group.file).failed++;
        failures.push(failureText(group, testCase, wrong, deliberate));
      } else if (deliberate !== undefined) {
        countOf(group.file).refused++;
        refusals.push({
          file: group.file,
          group: group.description,
          case: testCase.description,
          reason: deliberate,
        });
      } else {
        countOf(group.file).passed++;
      }
    }
  }

  const width = Math.max(...[...counts.keys()].map((file) => file.length));
  for (const [file, count] of [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    console.log(
      `${file.padEnd(width)}  ${pad(count.passed)} passed  ${pad(count.failed)} failed  ${pad(count.refused)} refused`,
    );
  }
  for (const failure of failures) console.log(failure);

  const docsOk = checkDocs(refusals, process.argv.includes("--update-docs"));
  const total = [...counts.values()].reduce(
    (sum, count) => ({
      passed: sum.passed + count.passed,
      failed: sum.failed + count.failed,
      refused: sum.refused + count.refused,
    }),
    { passed: 0, failed: 0, refused: 0 },
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `${total.refused} cases refused on purpose, each listed in ${DOCS_FILE}; ` +
      `${groups.length} groups, ${PATHS.join(", ")} paths, ${seconds}s`,
  );
  console.log(`conformance: ${total.passed} passed, ${total.failed} failed`);
  return total.failed === 0 && total.passed > 0 && docsOk ? 0 : 1;
}

/** Why jobgen refuses the group's schema, or `undefined` when it accepts it. */
function schemaRefusal(group: SuiteGroup, name: string): string | undefined {
  try {
    loadSchema(SCHEMA_FILE, schemaFile([[name, group]]));
    return undefined;
  } catch (error) {
    if (!(error instanceof SchemaErrors)) throw error;
    return [...new Set(error.issues.map((issue) => issue.message))].join("; ");
  }
}

/** A schema file with one task per group, on the default queue. */
function schemaFile(entries: readonly (readonly [string, SuiteGroup])[]): string {
  const taskTexts = entries.map(
    ([name, group]) => `${JSON.stringify(name)}:{"payload":${stringifyLossless(payloadOf(group.schema))}}`,
  );
  return `{"version":1,"tasks":{${taskTexts.join(",")}}}\n`;
}

/** Generates the client of the schema file into .tmp and imports its registry. */
async function generatedRegistry(schemaText: string): Promise<TaskRegistry> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const file of await generate(SCHEMA_FILE, schemaText)) {
    mkdirSync(dirname(join(outDir, file.path)), { recursive: true });
    writeFileSync(join(outDir, file.path), file.contents);
  }
  const module = (await import(pathToFileURL(join(outDir, "registry.ts")).href)) as {
    registry: TaskRegistry;
  };
  return module.registry;
}

/**
 * The paths a case runs through: all, except the producer for data holding an integer outside
 * ±(2^53 − 1), which a JavaScript program cannot hold to hand it over.
 */
function pathsFor(testCase: SuiteCase): readonly PathName[] {
  return unsafeIntegerIssues(testCase.data).length > 0 ? PATHS.filter((path) => path !== "producer") : PATHS;
}

/**
 * Why jobgen refuses a case the suite calls valid, on purpose (docs/conformance.md explains each
 * reason), or `undefined`. Every path must then refuse it.
 */
function deliberateRefusal(group: SuiteGroup, testCase: SuiteCase): string | undefined {
  if (!testCase.valid) return undefined;
  if (unsafeIntegerIssues(testCase.data).length > 0) return INTEGER_REASON;
  return DELIBERATE.find((rule) => rule.file === group.file && rule.case.test(testCase.description))?.reason;
}

const INTEGER_REASON =
  "an integer outside ±(2^53 − 1) is refused rather than rounded (RFC 7493 §2.2); send it as a string";

/** Suite verdicts jobgen departs from by design, besides large integers. */
const DELIBERATE: readonly { readonly file: string; readonly case: RegExp; readonly reason: string }[] = [
  {
    file: "format.json",
    case: /is only an annotation by default$/,
    reason: "jobgen asserts the formats it supports (the format-assertion vocabulary)",
  },
];

function failureText(
  group: SuiteGroup,
  testCase: SuiteCase,
  wrong: readonly (readonly [PathName, Verdict])[],
  deliberate: string | undefined,
): string {
  const expected =
    deliberate === undefined ? (testCase.valid ? "valid" : "invalid") : `refused on purpose (${deliberate})`;
  const lines = [
    `FAIL ${group.file}: ${group.description} / ${testCase.description}`,
    `  data ${testCase.data}, expected ${expected}`,
  ];
  for (const [path, verdict] of wrong) {
    lines.push(`  ${path}: ${verdict.accepted ? "accepted" : `refused: ${verdict.reason}`}`);
  }
  return lines.join("\n");
}

/** Whether docs/conformance.md lists exactly these refusals; rewrites the list when asked to. */
function checkDocs(refusals: readonly Refusal[], update: boolean): boolean {
  const path = join(repoRoot, DOCS_FILE);
  const current = readFileSync(path, "utf8");
  const wanted = replaceRefusalTable(current, refusalTable(refusals));
  if (wanted === current) return true;
  if (update) {
    writeFileSync(path, wanted);
    console.log(`updated the list of refused cases in ${DOCS_FILE}`);
    return true;
  }
  console.log(
    `FAIL ${DOCS_FILE} does not list exactly the refused cases; ` +
      "run `npm run test:conformance -- --update-docs` and review the change",
  );
  return false;
}

function pad(count: number): string {
  return String(count).padStart(4);
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`conformance: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}

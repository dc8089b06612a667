/**
 * Benchmark of `jobgen generate` and `jobgen check` on a synthetic 300-task schema (written to a
 * temporary directory). Each run spawns the real CLI (`node codegen/bin/jobgen.js`, compiled), so start-up is included.
 * Targets on the reference machine: generate ≤ 3 s, check ≤ 2 s. Run: `npm run bench:codegen`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { BENCH_TASKS, syntheticSchema } from "./codegen-schema.js";

const RUNS = 5;
const CLI = resolve(import.meta.dirname, "../codegen/bin/jobgen.js");

/** GNU time, when installed, reports the CLI's CPU time (user + system), which other load on the machine does not inflate. */
const GNU_TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

interface Timing {
  wallMs: number;
  cpuMs: number;
}

function timeCli(args: readonly string[]): Timing {
  const command =
    GNU_TIME === undefined
      ? [process.execPath, CLI, ...args]
      : [GNU_TIME, "-f", "cpu %U %S", process.execPath, CLI, ...args];
  const started = performance.now();
  const result = spawnSync(command[0] ?? "", command.slice(1), { encoding: "utf8" });
  const wallMs = performance.now() - started;
  if (result.status !== 0)
    throw new Error(`jobgen ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  const cpu = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(result.stderr);
  return { wallMs, cpuMs: cpu === null ? Number.NaN : (Number(cpu[1]) + Number(cpu[2])) * 1000 };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const dir = mkdtempSync(join(tmpdir(), "jobgen-bench-"));
try {
  const schema = join(dir, "jobs.yaml");
  const out = join(dir, "generated");
  writeFileSync(schema, stringify(syntheticSchema()));
  const generateRuns: Timing[] = [];
  const checkRuns: Timing[] = [];
  for (let run = 0; run < RUNS; run++) {
    rmSync(out, { recursive: true, force: true });
    generateRuns.push(timeCli(["generate", schema, "--out", out]));
    checkRuns.push(timeCli(["check", schema, "--out", out]));
  }
  const report = (label: string, runs: readonly Timing[], targetMs: number): string =>
    `  ${label} median ${median(runs.map((run) => run.wallMs)).toFixed(0)} ms wall, ` +
    `${median(runs.map((run) => run.cpuMs)).toFixed(0)} ms CPU (target ≤ ${targetMs} ms; wall runs: ` +
    `${runs.map((run) => run.wallMs.toFixed(0)).join(", ")})`;
  console.log(`jobgen codegen benchmark: ${BENCH_TASKS} tasks, ${RUNS} runs each (CLI start-up included)`);
  console.log(report("generate:", generateRuns, 3000));
  console.log(report("check:   ", checkRuns, 2000));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

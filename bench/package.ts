/**
 * The packages as an app installs them: packs `@jobgen/runtime` and `jobgen`, installs the tarballs
 * into a fresh temporary app, and reports
 * - the production install (`npm install --omit=dev`: the runtime and its dependencies), target ≤ 15 MB;
 * - `jobgen --version` through the installed bin, median of 10 spawns, target ≤ 150 ms;
 * - `jobgen check` on the 300-task bench schema (bench/codegen-schema.ts), median of 5, target ≤ 1 s.
 * Prints a table and writes it to bench/PACKAGE.md. Run: `npm run bench:package`.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { BENCH_TASKS, syntheticSchema } from "./codegen-schema.js";

const ROOT = resolve(import.meta.dirname, "..");
const VERSION_RUNS = 10;
const CHECK_RUNS = 5;
const TARGETS = { installMb: 15, versionMs: 150, checkMs: 1000 };
/** GNU time, when installed, gives the CPU time of a run, which other load on the machine does not inflate. */
const GNU_TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

function run(cwd: string, command: string, args: readonly string[]): string {
  return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Total size of the files under `dir` (apparent sizes, symlinks not followed). */
function sizeOf(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) bytes += sizeOf(path);
    else bytes += lstatSync(path).size;
  }
  return bytes;
}

interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** Runs `node <bin> ...args` once; wall time, and CPU time (user + system) when GNU time is there. */
function timeBin(cwd: string, bin: string, args: readonly string[]): Timing {
  const command = [process.execPath, bin, ...args];
  const argv = GNU_TIME === undefined ? command : [GNU_TIME, "-f", "cpu %U %S", ...command];
  const started = performance.now();
  const result = spawnSync(argv[0] ?? "", argv.slice(1), { cwd, encoding: "utf8" });
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

function verdict(value: number, target: number): string {
  return value <= target ? "yes" : "NO";
}

/** Met by the wall time, and by the CPU time (which the machine's other load does not inflate). */
function timedVerdict(runs: readonly Timing[], target: number): string {
  const cpu = median(runs.map((t) => t.cpuMs));
  const byCpu = Number.isNaN(cpu) ? "" : `; CPU: ${verdict(cpu, target)}`;
  return `wall: ${verdict(median(runs.map((t) => t.wallMs)), target)}${byCpu}`;
}

const work = mkdtempSync(join(tmpdir(), "jobgen-bench-package-"));
try {
  run(ROOT, "npm", ["pack", "--silent", "-w", "@jobgen/runtime", "-w", "jobgen", "--pack-destination", work]);
  const tarballs = readdirSync(work).filter((file) => file.endsWith(".tgz"));
  const runtimeTarball = tarballs.find((file) => file.startsWith("jobgen-runtime-"));
  const cliTarball = tarballs.find((file) => !file.startsWith("jobgen-runtime-"));
  if (runtimeTarball === undefined || cliTarball === undefined)
    throw new Error(`npm pack gave ${tarballs.join(", ")}`);

  const app = join(work, "app");
  mkdirSync(app);
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify(
      {
        name: "bench-app",
        private: true,
        type: "module",
        dependencies: { "@jobgen/runtime": `file:../${runtimeTarball}` },
        devDependencies: { jobgen: `file:../${cliTarball}` },
      },
      null,
      2,
    ),
  );
  const npmInstall = ["install", "--no-audit", "--no-fund", "--silent", "--prefer-offline"];
  run(app, "npm", [...npmInstall, "--omit=dev"]);
  const productionBytes = sizeOf(join(app, "node_modules"));
  const productionPackages = readdirSync(join(app, "node_modules")).filter((name) => !name.startsWith("."));
  run(app, "npm", npmInstall);

  const bin = join(app, "node_modules", "jobgen", "bin", "jobgen.js");
  const versions = Array.from({ length: VERSION_RUNS }, () => timeBin(app, bin, ["--version"]));

  writeFileSync(join(app, "jobs.yaml"), stringify(syntheticSchema()));
  timeBin(app, bin, ["generate", "jobs.yaml", "--out", "generated"]);
  const checks = Array.from({ length: CHECK_RUNS }, () =>
    timeBin(app, bin, ["check", "jobs.yaml", "--out", "generated"]),
  );

  const installMb = productionBytes / 1_000_000;
  const versionMs = median(versions.map((t) => t.wallMs));
  const checkMs = median(checks.map((t) => t.wallMs));
  const rows = [
    ["measure", "value", "target", "met"],
    ["---", "---", "---", "---"],
    [
      "production install of @jobgen/runtime (`npm install --omit=dev`, node_modules)",
      `${installMb.toFixed(1)} MB`,
      `≤ ${TARGETS.installMb} MB`,
      verdict(installMb, TARGETS.installMb),
    ],
    [
      `\`jobgen --version\`, median of ${VERSION_RUNS} spawns (wall; CPU)`,
      `${versionMs.toFixed(0)} ms; ${median(versions.map((t) => t.cpuMs)).toFixed(0)} ms CPU`,
      `≤ ${TARGETS.versionMs} ms`,
      timedVerdict(versions, TARGETS.versionMs),
    ],
    [
      `\`jobgen check\`, ${BENCH_TASKS}-task bench schema, median of ${CHECK_RUNS} (wall; CPU)`,
      `${checkMs.toFixed(0)} ms; ${median(checks.map((t) => t.cpuMs)).toFixed(0)} ms CPU`,
      `≤ ${TARGETS.checkMs} ms`,
      timedVerdict(checks, TARGETS.checkMs),
    ],
  ];
  const table = rows.map((row) => `| ${row.join(" | ")} |`).join("\n");
  const report = [
    "# Package figures",
    "",
    "Written by `npm run bench:package` (bench/package.ts): both packages packed, installed into a",
    "fresh app from the tarballs; the CLI is run through the installed `node_modules/jobgen/bin`.",
    "Wall times include Node's start-up and depend on the machine's load; CPU times (user + system,",
    "GNU time) do not.",
    "",
    table,
    "",
    `Production packages (${productionPackages.length}): ${productionPackages.join(", ")}.`,
    "",
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, load average ${loadavg()[0]?.toFixed(1)};` +
      ` Node ${process.version};` +
      ` \`--version\` wall runs: ${versions.map((t) => t.wallMs.toFixed(0)).join(", ")} ms;` +
      ` \`check\` wall runs: ${checks.map((t) => t.wallMs.toFixed(0)).join(", ")} ms.`,
    "",
  ].join("\n");
  writeFileSync(join(ROOT, "bench", "PACKAGE.md"), report);
  console.log(report);
} finally {
  rmSync(work, { recursive: true, force: true });
}

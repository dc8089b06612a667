/**
 * `npm run bench [-- --quick] [--reps N] [--only enqueue,processing,latency] [--libs jobgen,bullmq,bare]
 *   [--tasks N] [--concurrency 1,10,100] [--redis URL]`
 *
 * jobgen and BullMQ (plus a bare XREADGROUP+XACK loop as the floor) on identical work against one
 * Redis, interleaved (jobgen, BullMQ, bare, jobgen, BullMQ, bare, ...), medians over repetitions.
 * Every measurement runs in fresh child processes (agent.ts); the database is flushed between cases.
 * By default a throwaway redis-server on a free port is started; `--redis URL` uses that server
 * instead and FLUSHES its current database (REDIS_URL is not used on purpose: it usually names
 * a shared server, such as the one the test suite runs against).
 * The table goes to stdout and to bench/RESULTS.md (complete full run), else bench/results/RESULTS-*.md.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { parseArgs } from "node:util";
import { startRedisServer } from "../test/support/ensure-redis.js";
import type { LibraryName } from "./adapters/adapter.js";
import { AgentProcess } from "./agent-process.js";
import { busyPercent, cpuTimes, describeMachine, type MachineInfo } from "./machine.js";
import { RedisAdmin } from "./redis-admin.js";
import { renderSamples, renderTable, Results, type RowSpec } from "./report.js";
import { FULL, QUICK, type BenchSettings } from "./settings.js";

const BENCH_DIR = new URL(".", import.meta.url).pathname;
const CASES = ["enqueue", "processing", "latency"] as const;
type CaseName = (typeof CASES)[number];

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    reps: { type: "string" },
    only: { type: "string" },
    redis: { type: "string" },
    libs: { type: "string" },
    tasks: { type: "string" },
    concurrency: { type: "string" },
  },
});
const base = flags.quick ? QUICK : FULL;
const settings: BenchSettings = {
  ...base,
  reps: flags.reps ? Number(flags.reps) : base.reps,
  tasks: flags.tasks ? Number(flags.tasks) : base.tasks,
  concurrencies: flags.concurrency ? flags.concurrency.split(",").map(Number) : base.concurrencies,
};
const only = new Set((flags.only ?? CASES.join(",")).split(",") as CaseName[]);
const onlyLibraries = new Set((flags.libs ?? "jobgen,bullmq,bare").split(",") as LibraryName[]);

const server = flags.redis ? undefined : await startRedisServer(["--save", "", "--appendonly", "no"]);
const redisUrl = flags.redis ?? server?.url ?? "";
process.on("exit", () => server?.process.kill("SIGTERM"));
const admin = new RedisAdmin(redisUrl);
const results = new Results();
/** Per-command calls per task of the last repetition, by row key and library. */
const commandBreakdown = new Map<string, Map<LibraryName, [string, number][]>>();

const startedAt = new Date();
const cpuAtStart = cpuTimes();
const loadAtStart = os.loadavg();
const machine = describeMachine(await admin.version(), {
  bullmq: packageVersion("bullmq"),
  ioredis: packageVersion("ioredis"),
});
console.log(machineText(machine));
console.log(`mode: ${settings.mode}, ${settings.reps} repetition(s), redis ${redisUrl}\n`);

// ---------------------------------------------------------------------------------------------
// The measurements. Each takes fresh agents, records into `results`, and closes its agents.

/** Bulk enqueue of `tasks` (timed), Redis memory of the backlog, then one worker draining it. */
async function processingCase(library: LibraryName, concurrency: number): Promise<void> {
  await admin.flush();
  const [producer, worker] = await Promise.all([
    AgentProcess.spawn(library, redisUrl),
    AgentProcess.spawn(library, redisUrl),
  ]);
  try {
    const memoryBefore = await admin.usedMemory();
    await admin.resetCommandStats();
    let redisCpu = await admin.cpuMicros();
    const bulk = await producer.request("bulk", { n: settings.tasks, batch: settings.bulkBatch });
    results.add("rcpu-bulk", library, ((await admin.cpuMicros()) - redisCpu) / settings.tasks);
    results.add("cpu-bulk", library, bulk.cpuMicros / settings.tasks);
    await recordCommands(`cmds-bulk`, library, settings.tasks);
    await producer.close();
    const memoryAfter = await admin.usedMemory();
    results.add("bulk", library, (settings.tasks / bulk.ms) * 1000);
    results.add("memory", library, (memoryAfter - memoryBefore) / settings.tasks);

    await admin.resetCommandStats();
    redisCpu = await admin.cpuMicros();
    const drain = await worker.request("drain", { n: settings.tasks, concurrency });
    results.add(`rcpu-proc${concurrency}`, library, ((await admin.cpuMicros()) - redisCpu) / settings.tasks);
    results.add(`cpu-proc${concurrency}`, library, drain.cpuMicros / settings.tasks);
    await recordCommands(`cmds-proc${concurrency}`, library, settings.tasks);
    results.add(`proc${concurrency}`, library, (settings.tasks / drain.ms) * 1000);
    results.add(`rss${concurrency}`, library, drain.peakRssBytes / 2 ** 20);
    log(
      `processing c=${concurrency}`,
      library,
      `${rate(settings.tasks, drain.ms)} (bulk ${rate(settings.tasks, bulk.ms)})`,
    );
  } finally {
    await Promise.all([producer.close(), worker.close()]);
  }
}

/** The same backlog drained by `processes` worker processes at once (one worker each, as a pool runs them). */
async function processesCase(library: LibraryName, processes: number, concurrency: number): Promise<void> {
  await admin.flush();
  const producer = await AgentProcess.spawn(library, redisUrl);
  try {
    await producer.request("bulk", { n: settings.tasks, batch: settings.bulkBatch });
  } finally {
    await producer.close();
  }
  const workers = await Promise.all(
    Array.from({ length: processes }, () => AgentProcess.spawn(library, redisUrl)),
  );
  try {
    const redisCpu = await admin.cpuMicros();
    const drains = await Promise.all(workers.map((worker) => worker.request("drainShared", { concurrency })));
    const key = `proc${processes}x${concurrency}`;
    const ms = Math.max(...drains.map((d) => d.ms));
    const cpuMicros = drains.reduce((sum, d) => sum + d.cpuMicros, 0);
    results.add(key, library, (settings.tasks / ms) * 1000);
    results.add(`cpu-${key}`, library, cpuMicros / settings.tasks);
    results.add(`rcpu-${key}`, library, ((await admin.cpuMicros()) - redisCpu) / settings.tasks);
    log(
      `processing ${processes} processes c=${concurrency}`,
      library,
      `${rate(settings.tasks, ms)} (shares ${drains.map((d) => d.handled).join(" + ")})`,
    );
  } finally {
    await Promise.all(workers.map((worker) => worker.close()));
  }
}

async function singleEnqueueCase(library: LibraryName): Promise<void> {
  await admin.flush();
  const producer = await AgentProcess.spawn(library, redisUrl);
  try {
    await producer.request("warmUp", { n: singleWarmUp() });
    await admin.resetCommandStats();
    const redisCpu = await admin.cpuMicros();
    const single = await producer.request("single", { n: settings.singleTasks });
    results.add("rcpu-single", library, ((await admin.cpuMicros()) - redisCpu) / settings.singleTasks);
    results.add("cpu-single", library, single.cpuMicros / settings.singleTasks);
    await recordCommands("cmds-single", library, settings.singleTasks);
    results.add("single", library, (settings.singleTasks / single.ms) * 1000);
    log("single enqueue", library, rate(settings.singleTasks, single.ms));
  } finally {
    await producer.close();
  }
}

async function latencyCase(library: LibraryName, offered: number): Promise<void> {
  await admin.flush();
  const [consumer, producer] = await Promise.all([
    AgentProcess.spawn(library, redisUrl),
    AgentProcess.spawn(library, redisUrl),
  ]);
  try {
    await consumer.request("latencyStart", { concurrency: settings.latencyConcurrency });
    const produced = await producer.request("produce", {
      rate: offered,
      seconds: settings.latencySeconds,
      warmupSeconds: settings.latencyWarmupSeconds,
    });
    const latency = await consumer.request("latencyCollect", {
      expected: produced.sent - produced.errors,
      warmup: 0,
      timeoutMs: 30_000,
    });
    if (produced.errors > 0) throw new Error(`${produced.errors} enqueues failed`);
    if (latency.received < produced.sent)
      throw new Error(`only ${latency.received} of ${produced.sent} arrived`);
    const key = `lat${offered}`;
    results.add(`${key}-p50`, library, latency.p50Ms);
    results.add(`${key}-p95`, library, latency.p95Ms);
    results.add(`${key}-p99`, library, latency.p99Ms);
    log(
      `latency ${offered}/s`,
      library,
      `p50 ${latency.p50Ms.toFixed(2)} p95 ${latency.p95Ms.toFixed(2)} p99 ${latency.p99Ms.toFixed(2)} ms` +
        ` (producer ${produced.behindMs.toFixed(0)} ms behind schedule at the end)`,
    );
  } finally {
    await Promise.all([consumer.close(), producer.close()]);
  }
}

/** Untimed enqueues before the single-enqueue measurement, for every library alike. */
function singleWarmUp(): number {
  return Math.round(settings.singleTasks / 10);
}

async function recordCommands(key: string, library: LibraryName, tasks: number): Promise<void> {
  const calls = await admin.commandCalls();
  const total = [...calls.values()].reduce((sum, n) => sum + n, 0);
  results.add(key, library, total / tasks);
  const perTask = [...calls.entries()]
    .map(([name, n]): [string, number] => [name, n / tasks])
    .sort((a, b) => b[1] - a[1]);
  const byLibrary = commandBreakdown.get(key) ?? new Map<LibraryName, [string, number][]>();
  commandBreakdown.set(key, byLibrary);
  byLibrary.set(library, perTask);
}

// ---------------------------------------------------------------------------------------------
// The plan: case by case, repetitions interleaved across libraries.

interface Measurement {
  readonly caseName: CaseName;
  readonly label: string;
  readonly libraries: readonly LibraryName[];
  readonly rowKeys: readonly string[];
  run(library: LibraryName): Promise<void>;
}

const ALL: readonly LibraryName[] = ["jobgen", "bullmq", "bare"];
/** The multi-process row: this many worker processes (one per core of the bench machine), each at this concurrency. */
const POOL_PROCESSES = 2;
const POOL_CONCURRENCY = 100;
const LIBS: readonly LibraryName[] = ["jobgen", "bullmq"];
const plan: Measurement[] = [
  {
    caseName: "enqueue",
    label: "single enqueue",
    libraries: ALL,
    rowKeys: ["single"],
    run: (library) => singleEnqueueCase(library),
  },
  ...settings.concurrencies.map((c): Measurement => ({
    caseName: "processing",
    label: `processing c=${c}`,
    libraries: c === Math.max(...settings.concurrencies) ? ALL : LIBS,
    rowKeys: [`proc${c}`, "bulk", "memory", `rss${c}`],
    run: (library) => processingCase(library, c),
  })),
  {
    caseName: "processing",
    label: `processing ${POOL_PROCESSES} processes c=${POOL_CONCURRENCY}`,
    libraries: LIBS,
    rowKeys: [`proc${POOL_PROCESSES}x${POOL_CONCURRENCY}`],
    run: (library) => processesCase(library, POOL_PROCESSES, POOL_CONCURRENCY),
  },
  ...settings.latencyRates.map((r): Measurement => ({
    caseName: "latency",
    label: `latency ${r}/s`,
    libraries: ALL,
    rowKeys: [`lat${r}-p50`, `lat${r}-p95`, `lat${r}-p99`],
    run: (library) => latencyCase(library, r),
  })),
];

for (const measurement of plan.filter((m) => only.has(m.caseName))) {
  for (let rep = 1; rep <= settings.reps; rep++) {
    for (const library of measurement.libraries.filter((l) => onlyLibraries.has(l))) {
      try {
        await measurement.run(library);
      } catch (err) {
        const message = (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";
        for (const key of measurement.rowKeys) results.fail(key, library, message);
        log(measurement.label, library, `FAILED: ${message}`);
      }
    }
  }
}

const codegen = runCodegenBench();
await admin.close();

// ---------------------------------------------------------------------------------------------
// The report.

const maxC = Math.max(...settings.concurrencies);
const n = settings.tasks.toLocaleString("en-US");
const rows: RowSpec[] = [
  {
    key: "bulk",
    label: `Bulk enqueue, ${n} tasks in batches of ${settings.bulkBatch}`,
    unit: "tasks/s",
    better: "higher",
    digits: 0,
    targets: [{ vs: "bullmq", minAdvantage: 3, text: "≥ 3× BullMQ" }],
  },
  {
    key: "single",
    label: `Single enqueue, awaiting each, ${settings.singleTasks.toLocaleString("en-US")} tasks (after ${singleWarmUp().toLocaleString("en-US")} untimed)`,
    unit: "tasks/s",
    better: "higher",
    digits: 0,
    targets: [
      { vs: "bullmq", minAdvantage: 1.5, text: "≥ 1.5× BullMQ" },
      { vs: "bare", minAdvantage: 0.95, text: "≥ 0.95× bare XADD" },
    ],
  },
  ...settings.concurrencies.map((c): RowSpec => ({
    key: `proc${c}`,
    label: `Processing ${n} waiting noop tasks, concurrency ${c}`,
    unit: "tasks/s",
    better: "higher",
    digits: 0,
    targets: c === 100 ? [{ vs: "bullmq", minAdvantage: 3, text: "≥ 3× BullMQ" }] : [],
  })),
  {
    key: `proc${POOL_PROCESSES}x${POOL_CONCURRENCY}`,
    label: `Processing ${n} waiting noop tasks, ${POOL_PROCESSES} worker processes at concurrency ${POOL_CONCURRENCY} each`,
    unit: "tasks/s",
    better: "higher",
    digits: 0,
  },
  ...settings.latencyRates.flatMap((r) =>
    (["p50", "p95", "p99"] as const).map((p): RowSpec => ({
      key: `lat${r}-${p}`,
      label: `Latency enqueue→handler start at ${r.toLocaleString("en-US")}/s, ${p}`,
      unit: "ms",
      better: "lower",
      digits: 2,
      targets:
        r === 1000 && p === "p99"
          ? [
              { vs: "bullmq", minAdvantage: 1 / 0.6, text: "≤ 0.6× BullMQ" },
              { vs: "bare", minAdvantage: 1 / 1.3, text: "≤ 1.3× bare loop" },
            ]
          : [],
    })),
  ),
  {
    key: "memory",
    label: `Redis memory per waiting task (${n} backlog)`,
    unit: "bytes",
    better: "lower",
    digits: 0,
    targets: [{ vs: "bullmq", minAdvantage: 2, text: "≤ 0.5× BullMQ" }],
  },
  {
    key: `rss${maxC}`,
    label: `Worker process peak RSS draining ${n} (c=${maxC})`,
    unit: "MiB",
    better: "lower",
    digits: 1,
    targets: [{ vs: "bullmq", minAdvantage: 1, text: "≤ BullMQ" }],
  },
  ...(
    [
      ["bulk", "bulk enqueue", "producer process"],
      ["single", "single enqueue", "producer process"],
      [`proc${maxC}`, `processing c=${maxC}`, "worker process"],
      [
        `proc${POOL_PROCESSES}x${POOL_CONCURRENCY}`,
        `processing ${POOL_PROCESSES} processes c=${POOL_CONCURRENCY}`,
        `${POOL_PROCESSES} worker processes, summed`,
      ],
    ] as const
  ).flatMap(([key, what, side]): RowSpec[] => [
    {
      key: `cpu-${key}`,
      label: `CPU per task, ${what}: ${side}`,
      unit: "µs",
      better: "lower",
      digits: 1,
      targets: key === `proc${maxC}` ? [{ atMost: 8, text: "≤ 8 µs" }] : [],
    },
    {
      key: `rcpu-${key}`,
      label: `CPU per task, ${what}: redis-server`,
      unit: "µs",
      better: "lower",
      digits: 1,
    },
  ]),
  {
    key: "cmds-bulk",
    label: "Redis commands per task, bulk enqueue (incl. inside scripts)",
    unit: "calls",
    better: "lower",
    digits: 2,
  },
  {
    key: "cmds-single",
    label: "Redis commands per task, single enqueue (incl. inside scripts)",
    unit: "calls",
    better: "lower",
    digits: 2,
  },
  {
    key: `cmds-proc${maxC}`,
    label: `Redis commands per task, processing c=${maxC} (incl. inside scripts)`,
    unit: "calls",
    better: "lower",
    digits: 2,
  },
];

const table = renderTable(rows, results);
const endedAt = new Date();
const busy = busyPercent(cpuAtStart, cpuTimes());
const loadText =
  `load average (1 min) ${loadAtStart[0]?.toFixed(2)} at start, ${os.loadavg()[0]?.toFixed(2)} at end; ` +
  `all cores ${busy === undefined ? "?" : busy.toFixed(0)}% busy on average during the run ` +
  `(the bench itself keeps about one core busy)`;
console.log(`\n${table}\n`);
console.log(loadText);
console.log(`\nCommands per task by command (last repetition):\n${breakdownText()}`);
if (codegen) console.log(`\nCodegen:\n${codegen}`);

const failures = rows.flatMap((row) =>
  ALL.map((library) => [row, library, results.error(row.key, library)] as const).filter(([, , e]) => e),
);
const markdown = `# jobgen vs BullMQ — benchmark results

${settings.mode === "quick" ? "**QUICK MODE** (small counts, one repetition: indicative only).\n\n" : ""}Run ${startedAt.toISOString()} – ${endedAt.toISOString()} with \`npm run bench${settings.mode === "quick" ? " -- --quick" : ""}\`.

## Machine

${machineText(machine)
  .split("\n")
  .map((line) => `- ${line}`)
  .join("\n")}
- Machine load: ${loadText}.

## Results (median of ${settings.reps} repetition(s); jobgen vs BullMQ > 1 means jobgen is better)

${table}

${failures.length === 0 ? "" : `Failures:\n${failures.map(([row, library, e]) => `- ${row.label} — ${library}: ${e}`).join("\n")}\n`}
## Settings

- One Redis (${machine.redis}, throwaway \`redis-server --save "" --appendonly no\` unless \`--redis\`), FLUSHDB
  before every measurement; every measurement in fresh child processes (producer and worker apart);
  order per repetition: jobgen, BullMQ, bare loop.
- Payload (all libraries): \`{ to, subject, body (~120 chars), i, sentAt }\`, ~220 bytes of JSON.
- jobgen: the compiled package (\`dist/\`, built by \`npm run bench\`, as users install it);
  \`createProducer(registry, { keyPrefix })\` (\`enqueueBulk\` with ${settings.bulkBatch} items per call,
  \`enqueue\`), \`createWorkerRuntime(registry, { concurrency }, handlers)\` with the default middleware
  (recovery, logging with the default pino logger to a discarded stdout — failures logged, no line per
  success, the default \`logSuccess: false\` —, metrics, tracing with \`@opentelemetry/api\` installed but
  no SDK registered, timeout, validation) and validation on both sides (the generator's compiled check,
  then zod for the issues; bench/registry.ts).
- BullMQ: \`Queue\` on its own ioredis connection; \`Worker\` on a separate connection with
  \`maxRetriesPerRequest: null\`, the same concurrency, \`removeOnComplete: { count: 0 }\` (= \`true\`:
  completed jobs deleted), other options default; \`addBulk\` with ${settings.bulkBatch} jobs per call, \`add\`;
  no payload validation (BullMQ has none).
- bare loop: XADD per task (pipelined per batch for bulk); consumer XREADGROUP COUNT <concurrency> BLOCK 1000,
  handlers, one XACK per batch; no validation.
- Single enqueue: the producer process first enqueues ${singleWarmUp()} tasks untimed (connection made, code
  warm: every library alike), then ${settings.singleTasks} are timed, each awaited before the next.
- Processing: ${n} tasks bulk-enqueued first (that enqueue is the bulk row; used_memory before/after
  it is the memory row), then a fresh worker process is timed from its creation until every task was
  handled and nothing is waiting or pending; peak RSS sampled every 50 ms in that process.
- ${POOL_PROCESSES} worker processes: the same backlog, then ${POOL_PROCESSES} fresh worker processes (one worker each, at
  concurrency ${POOL_CONCURRENCY}, as \`createWorkerPool\` / \`jobgen worker --processes ${POOL_PROCESSES}\` runs them; BullMQ: one
  \`Worker\` per process) drain it together; the rate is the tasks over the slower process's time, CPU the sum.
- Latency: a producer process enqueues one task at a time (open loop, not awaiting) at the offered rate
  for ${settings.latencySeconds} s after ${settings.latencyWarmupSeconds} s of unrecorded warm-up; the worker (concurrency
  ${settings.latencyConcurrency}) records CLOCK_MONOTONIC(handler start) − CLOCK_MONOTONIC(enqueue call) from the payload.
- CPU per task: process.cpuUsage() (user + system) of the producer or worker process over the timed part,
  and INFO cpu (used_cpu_user + used_cpu_sys) deltas of redis-server, divided by the tasks. Unlike the
  rates, these barely depend on how busy the machine is, so they are the figures to compare across runs.
- Commands per task: INFO commandstats deltas over the measurement divided by the tasks; Redis
  counts the commands run inside Lua scripts too.

Analysis of these figures, profile findings and the proposals not applied: bench/README.md.

## Commands per task by command (last repetition)

${breakdownText()}
${codegen ? `\n## Codegen\n\n\`\`\`\n${codegen}\n\`\`\`\n` : ""}
## All samples

${renderSamples(rows, results)}
`;
// Only a complete full run replaces the committed RESULTS.md; quick and filtered runs go to results/.
const partial = Boolean(flags.reps ?? flags.only ?? flags.libs ?? flags.tasks ?? flags.concurrency);
const resultsPath =
  settings.mode === "quick"
    ? `${BENCH_DIR}results/RESULTS-quick.md`
    : partial
      ? `${BENCH_DIR}results/RESULTS-partial.md`
      : `${BENCH_DIR}RESULTS.md`;
mkdirSync(`${BENCH_DIR}results`, { recursive: true });
writeFileSync(resultsPath, markdown);
console.log(`\nwritten to ${resultsPath}`);
process.exit(0);

// ---------------------------------------------------------------------------------------------

function breakdownText(): string {
  const lines: string[] = [];
  for (const [key, byLibrary] of commandBreakdown) {
    for (const [library, perTask] of byLibrary) {
      const top = perTask
        .filter(([, perTaskCalls]) => perTaskCalls >= 0.005)
        .map(([name, perTaskCalls]) => `${name} ${perTaskCalls.toFixed(2)}`)
        .join(", ");
      lines.push(`- ${key} — ${library}: ${top}`);
    }
  }
  return lines.join("\n");
}

/** Runs the codegen benchmark (`bench/codegen.ts`, owned by the codegen work) as a child process. */
function runCodegenBench(): string | undefined {
  const script = `${BENCH_DIR}codegen.ts`;
  if (!existsSync(script)) return undefined;
  // Its 10 CLI runs take about a minute on this kind of machine: too long for --quick.
  if (settings.mode === "quick") return "skipped in --quick mode (run `npm run bench:codegen`)";
  const args = ["--import", "tsx", script];
  const run = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 600_000 });
  const output = `${run.stdout ?? ""}${run.status === 0 ? "" : `\n(exit ${run.status}) ${run.stderr ?? ""}`}`;
  return output.trim();
}

function machineText(info: MachineInfo): string {
  return [
    `CPU: ${info.cpu}, ${info.cores} cores, ${info.memoryGb} GiB RAM, ${info.os}`,
    `Node ${info.node}, Redis ${info.redis}, BullMQ ${info.bullmq}, ioredis ${info.ioredis}`,
  ].join("\n");
}

function packageVersion(name: string): string {
  const text = readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), "utf8");
  return (JSON.parse(text) as { version: string }).version;
}

function rate(tasks: number, ms: number): string {
  return `${Math.round((tasks / ms) * 1000).toLocaleString("en-US")} tasks/s`;
}

function log(label: string, library: LibraryName, text: string): void {
  console.log(`[${label}] ${library.padEnd(6)} ${text}`);
}

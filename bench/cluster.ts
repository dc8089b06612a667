/**
 * The Cluster bench (`npm run bench:cluster`): one queue of 3 partitions on a Redis Cluster of 1
 * master and of 3 masters (bench/cluster-nodes.ts), with the same producer and worker processes
 * (bench agents, agent.ts, jobgen's compiled package): a bulk enqueue of N tasks, then a worker
 * draining them at concurrency 100. Per setup: throughput, CPU per task of the producer and of the
 * worker process, and of each redis-server (INFO cpu before and after). Writes bench/CLUSTER.md
 * (`--quick`: bench/results/CLUSTER-quick.md).
 *
 *   npm run bench:cluster [-- --quick] [--tasks N] [--reps R]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { parseArgs } from "node:util";
import { partitionKeys } from "../runtime/redis/partitions.js";
import { keySlot } from "../runtime/redis/slot.js";
import { AgentProcess } from "./agent-process.js";
import { BenchCluster } from "./cluster-nodes.js";
import { busyPercent, cpuTimes } from "./machine.js";
import { BENCH_KEY_PREFIX, benchRegistry } from "./registry.js";
import { median } from "./stats.js";

const PARTITIONS = 3;
const CONCURRENCY = 100;
const BATCH = 1000;
/** What is compared: the baseline (one plain Redis, the queue unpartitioned), then the Cluster setups. */
const SETUPS = [
  { label: "1 Redis, not partitioned (baseline)", masters: 1, cluster: false, partitions: 1 },
  { label: "1 master", masters: 1, cluster: true, partitions: PARTITIONS },
  { label: "3 masters", masters: 3, cluster: true, partitions: PARTITIONS },
] as const;
type Setup = (typeof SETUPS)[number];

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    tasks: { type: "string" },
    reps: { type: "string" },
  },
});
const tasks = Number(values.tasks ?? (values.quick ? 20_000 : 100_000));
const reps = Number(values.reps ?? (values.quick ? 1 : 3));

/** One repetition on one setup: wall time and CPU µs of each side. */
interface Sample {
  readonly bulkMs: number;
  readonly producerCpu: number;
  readonly bulkRedisCpu: readonly number[];
  readonly drainMs: number;
  readonly workerCpu: number;
  readonly drainRedisCpu: readonly number[];
}

const started = new Date();
const load0 = os.loadavg()[0] ?? 0;
const busy0 = cpuTimes();
const results = new Map<Setup, { samples: Sample[]; placement: string }>();

for (const setup of SETUPS) {
  const { masters } = setup;
  process.env.BENCH_PARTITIONS = String(setup.partitions); // read by the jobgen adapter of each agent
  const queue = { ...benchRegistry.queues.default!, partitions: setup.partitions };
  const cluster = await BenchCluster.start(masters, setup.cluster);
  try {
    const placement = partitionKeys(queue, BENCH_KEY_PREFIX)
      .map(
        (k, p) => `partition ${p} slot ${keySlot(k.stream)} → :${cluster.masterOf(keySlot(k.stream))?.port}`,
      )
      .join(", ");
    const samples: Sample[] = [];
    for (let rep = 0; rep < reps; rep++) {
      await cluster.flush();
      const producer = await AgentProcess.spawn("jobgen", cluster.seeds);
      await producer.request("warmUp", { n: 500 });
      await cluster.flush();
      const before = await cluster.cpuMicros();
      const bulk = await producer.request("bulk", { n: tasks, batch: BATCH });
      const afterBulk = await cluster.cpuMicros();
      await producer.close();
      const worker = await AgentProcess.spawn("jobgen", cluster.seeds);
      const beforeDrain = await cluster.cpuMicros();
      const drain = await worker.request("drain", { n: tasks, concurrency: CONCURRENCY });
      const afterDrain = await cluster.cpuMicros();
      await worker.close();
      samples.push({
        bulkMs: bulk.ms,
        producerCpu: bulk.cpuMicros,
        bulkRedisCpu: afterBulk.map((v, i) => v - (before[i] ?? 0)),
        drainMs: drain.ms,
        workerCpu: drain.cpuMicros,
        drainRedisCpu: afterDrain.map((v, i) => v - (beforeDrain[i] ?? 0)),
      });
      console.log(
        `[cluster bench] ${setup.label}, rep ${rep + 1}: bulk ${Math.round(tasks / (bulk.ms / 1000))}/s, ` +
          `drain ${Math.round(tasks / (drain.ms / 1000))}/s`,
      );
    }
    results.set(setup, { samples, placement });
  } finally {
    await cluster.stop();
  }
}

const load1 = os.loadavg()[0] ?? 0;
const busy = busyPercent(busy0, cpuTimes());
const perTask = (micros: number) => (micros / tasks).toFixed(2);
const rate = (ms: number) => Math.round(tasks / (ms / 1000)).toLocaleString("en-US");
/** The median over repetitions of one figure of `setup`. */
const med = (setup: Setup, pick: (s: Sample) => number) =>
  median((results.get(setup)?.samples ?? []).map(pick));
/** The median of each master's figure. */
const perMaster = (setup: Setup, pick: (s: Sample) => readonly number[]) =>
  Array.from({ length: setup.masters }, (_, i) => med(setup, (s) => pick(s)[i] ?? 0));

const rows: string[][] = [];
const row = (what: string, cell: (setup: Setup) => string) => rows.push([what, ...SETUPS.map(cell)]);
row("Bulk enqueue (batches of 1000), tasks/s", (setup) => rate(med(setup, (s) => s.bulkMs)));
row(`Processing c=${CONCURRENCY}, tasks/s`, (setup) => rate(med(setup, (s) => s.drainMs)));
for (const [phase, pick] of [
  ["bulk enqueue", (s: Sample) => s.bulkRedisCpu],
  ["processing", (s: Sample) => s.drainRedisCpu],
] as const) {
  row(`redis-server CPU per task, ${phase}: each master (µs)`, (setup) =>
    perMaster(setup, pick).map(perTask).join(" / "),
  );
  row(`redis-server CPU per task, ${phase}: busiest master (µs)`, (setup) =>
    perTask(Math.max(...perMaster(setup, pick))),
  );
  row(`redis-server CPU per task, ${phase}: all masters (µs)`, (setup) =>
    perTask(perMaster(setup, pick).reduce((a, b) => a + b, 0)),
  );
}
row("Producer process CPU per task, bulk enqueue (µs)", (setup) => perTask(med(setup, (s) => s.producerCpu)));
row(`Worker process CPU per task, processing c=${CONCURRENCY} (µs)`, (setup) =>
  perTask(med(setup, (s) => s.workerCpu)),
);

const cpus = os.cpus();
const report = `# One partitioned queue on 1 master and on 3 masters of a Redis Cluster

Run ${started.toISOString()} – ${new Date().toISOString()} with \`npm run bench:cluster${values.quick ? " -- --quick" : ""}\`:
${tasks.toLocaleString("en-US")} tasks, median of ${reps} repetition(s).

- Machine: ${cpus[0]?.model.trim() ?? "unknown"}, ${cpus.length} cores, Node ${process.version}. Load average (1 min)
  ${load0.toFixed(2)} at start, ${load1.toFixed(2)} at end; all cores ${busy === undefined ? "?" : busy.toFixed(0)}% busy on average during
  the run. Every master, the producer and the worker share these ${cpus.length} cores (and other work on the
  machine): compare CPU per task, which hardly depends on that; the rates do.
- Queue \`bench\` with \`partitions: ${PARTITIONS}\` (round robin), the bench payload (~220 bytes, zod validation on
  both sides), jobgen's compiled package with its default middleware and logger. One producer process
  (\`enqueueBulk\`, 1000 per call), then one worker process (\`concurrency: ${CONCURRENCY}\`), each a fresh bench agent.
- Redis Cluster masters without replicas (bench/cluster-nodes.ts): the 16384 slots in equal ranges;
  1 master is a Cluster of one node, so both Cluster setups run the same Cluster client code. The
  baseline is one plain redis-server with the queue unpartitioned (what \`npm run bench\` measures).
- CPU: the producer's and worker's \`process.cpuUsage()\` over the timed part; each redis-server's
  \`INFO cpu\` (user + sys) before and after; per task = divided by all ${tasks.toLocaleString("en-US")} tasks.

| Measurement | ${SETUPS.map((setup) => setup.label).join(" | ")} |
| --- | ${SETUPS.map(() => "---").join(" | ")} |
${rows.map((r) => `| ${r.join(" | ")} |`).join("\n")}

Every repetition (bulk tasks/s, drain tasks/s; redis-server µs per task, bulk then processing, per master):

${SETUPS.map(
  (setup) =>
    `- ${setup.label}: ` +
    (results.get(setup)?.samples ?? [])
      .map(
        (s) =>
          `${rate(s.bulkMs)}, ${rate(s.drainMs)}; ${s.bulkRedisCpu.map(perTask).join("/")} then ${s.drainRedisCpu.map(perTask).join("/")}`,
      )
      .join(" · "),
).join("\n")}

Where the partitions live: ${SETUPS.filter((setup) => setup.cluster)
  .map((setup) => `${setup.label}: ${results.get(setup)?.placement ?? ""}`)
  .join("; ")}.
`;

const out = values.quick ? "bench/results/CLUSTER-quick.md" : "bench/CLUSTER.md";
mkdirSync("bench/results", { recursive: true });
writeFileSync(out, report);
console.log(report);
console.log(`written to ${out}`);

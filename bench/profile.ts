/**
 * `npm run bench:profile [-- --library jobgen] [--case drain|bulk|single] [--tasks 100000] [--concurrency 100]`
 *
 * Where a worker's time and Redis round trips go. Fills a throwaway Redis with waiting tasks, drains
 * them with one worker agent profiled by V8 during the drain (profile in bench/results/profiles/,
 * open it in Chrome DevTools or speedscope), prints the
 * top self-time functions and files; then drains a small batch again with a MONITOR connection
 * open and counts, per task, the commands clients sent and the commands Lua scripts ran.
 */
import { mkdirSync } from "node:fs";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { startRedisServer } from "../test/support/ensure-redis.js";
import type { LibraryName } from "./adapters/adapter.js";
import { AgentProcess } from "./agent-process.js";
import type { Timed } from "./protocol.js";
import { summarizeProfile } from "./profile-summary.js";
import { RedisAdmin } from "./redis-admin.js";

const PROFILE_DIR = new URL("./results/profiles/", import.meta.url).pathname;
const MONITOR_TASKS = 2_000;

const { values: flags } = parseArgs({
  options: {
    library: { type: "string", default: "jobgen" },
    tasks: { type: "string", default: "100000" },
    concurrency: { type: "string", default: "100" },
    case: { type: "string", default: "drain" },
  },
});
const library = flags.library as LibraryName;
const tasks = Number(flags.tasks);
const concurrency = Number(flags.concurrency);

const server = await startRedisServer(["--save", "", "--appendonly", "no"]);
process.on("exit", () => server.process.kill("SIGTERM"));
const admin = new RedisAdmin(server.url);
mkdirSync(PROFILE_DIR, { recursive: true });

// 1. CPU profile of the timed part only, taken inside the agent.
const what = flags.case === "drain" ? `c${concurrency}` : flags.case;
const profileFile = `${PROFILE_DIR}${library}-${what}-${new Date().toISOString().replace(/[:.]/g, "-")}.cpuprofile`;
const timed = await profiledRun(profileFile);
console.log(
  `${library} ${flags.case} of ${tasks}${flags.case === "drain" ? ` at c=${concurrency}` : ""}: ` +
    `${Math.round((tasks / timed.ms) * 1000)} tasks/s under the profiler, ${(timed.cpuMicros / tasks).toFixed(1)} µs CPU per task`,
);
const summary = summarizeProfile(profileFile);
console.log(`profile ${profileFile} (${summary.totalMs.toFixed(0)} ms sampled)`);
console.log("\ntop self time by function:");
for (const f of summary.functions)
  console.log(`  ${f.percent.toFixed(1).padStart(5)}%  ${f.ms.toFixed(0).padStart(6)} ms  ${f.name}`);
console.log("\ntop self time by file:");
for (const f of summary.files.slice(0, 15))
  console.log(`  ${f.percent.toFixed(1).padStart(5)}%  ${f.ms.toFixed(0).padStart(6)} ms  ${f.name}`);
if (flags.case !== "drain") process.exit(0);

// 2. Commands per task, split into what clients sent and what scripts ran (MONITOR).
await fill(MONITOR_TASKS);
const monitor = await new Redis(server.url).monitor();
const fromClients = new Map<string, number>();
const fromScripts = new Map<string, number>();
monitor.on("monitor", (_time: string, args: string[], source: string) => {
  const name = (args[0] ?? "").toLowerCase();
  if (name === "monitor") return;
  const bucket = source === "lua" ? fromScripts : fromClients;
  bucket.set(name, (bucket.get(name) ?? 0) + 1);
});
const small = await AgentProcess.spawn(library, server.url);
await small.request("drain", { n: MONITOR_TASKS, concurrency });
await small.close();
await new Promise((resolve) => setTimeout(resolve, 200));
monitor.disconnect();
const describe = (map: Map<string, number>) =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} ${(n / MONITOR_TASKS).toFixed(2)}`)
    .join(", ");
const total = (map: Map<string, number>) => [...map.values()].reduce((s, n) => s + n, 0) / MONITOR_TASKS;
console.log(
  `\nper task while draining ${MONITOR_TASKS} at c=${concurrency} (includes the drain check's polling):`,
);
console.log(`  sent by clients: ${total(fromClients).toFixed(2)} — ${describe(fromClients)}`);
console.log(`  run inside scripts: ${total(fromScripts).toFixed(2)} — ${describe(fromScripts)}`);
await admin.close();
process.exit(0);

async function profiledRun(profilePath: string): Promise<Timed> {
  await admin.flush();
  if (flags.case === "drain") await fill(tasks);
  const agent = await AgentProcess.spawn(library, server.url);
  try {
    if (flags.case === "bulk") return await agent.request("bulk", { n: tasks, batch: 1_000, profilePath });
    if (flags.case === "single") return await agent.request("single", { n: tasks, profilePath });
    return await agent.request("drain", { n: tasks, concurrency, profilePath });
  } finally {
    await agent.close();
  }
}

async function fill(n: number): Promise<void> {
  await admin.flush();
  const producer = await AgentProcess.spawn(library, server.url);
  await producer.request("bulk", { n, batch: 1_000 });
  await producer.close();
}

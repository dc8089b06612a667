import type { Command } from "commander";
import {
  printJson,
  registryOf,
  shortDuration,
  table,
  withAdmin,
  withOperationsOptions,
  type OperationsFlags,
} from "./connect.js";

/** `jobgen stats`: per queue, stream length, pending, delayed, DLQ size, lag and consumers; the schedules with their next run. */
export function registerStats(program: Command): void {
  withOperationsOptions(
    program
      .command("stats")
      .description(
        "show each queue: length, pending, delayed, dead letters, lag and consumers; capped tasks running and parked; each schedule's last and next run",
      ),
  )
    .addHelpText("after", "\nExample:\n  $ jobgen stats --schema jobs.yaml --redis redis://127.0.0.1:6379")
    .action(async (flags: OperationsFlags) => {
      const registry = await registryOf(flags);
      const [stats, schedules, caps] = await withAdmin(flags, registry, (admin) =>
        Promise.all([admin.stats(), admin.schedules(), admin.concurrencyCaps()]),
      );
      if (flags.json) return printJson({ queues: stats, schedules, concurrencyCaps: caps });
      const rows: (string | number)[][] = [
        ["queue", "stream", "length", "pending", "delayed", "dlq", "lag", "consumers"],
      ];
      for (const s of stats) {
        rows.push([
          s.queue,
          s.streams.length > 1 ? `${s.stream} (+${s.streams.length - 1} partitions)` : s.stream,
          s.length,
          s.pending,
          s.delayed,
          s.deadLetters,
          s.lag ?? "-",
          s.consumers.length,
        ]);
      }
      console.log(table(rows));
      for (const s of stats) {
        if (s.levels === undefined) continue;
        console.log(`\n${s.queue} priority levels (read higher first, see docs/policy.md):`);
        console.log(
          table([
            ["  level", "stream", "length", "pending", "delayed", "lag"],
            ...s.levels.map((l) => [
              `  ${l.priority}`,
              l.stream,
              l.length,
              l.pending,
              l.delayed,
              l.lag ?? "-",
            ]),
          ]),
        );
      }
      for (const s of stats) {
        if (!s.groupExists)
          console.log(`\n${s.queue}: no consumer group "${s.group}" yet (no worker has started on it)`);
        if (s.consumers.length === 0) continue;
        console.log(`\n${s.queue} consumers (group ${s.group}):`);
        console.log(
          table([
            ["  consumer", "pending", "idle"],
            ...s.consumers.map((c) => [`  ${c.name}`, c.pending, shortDuration(c.idleMs)]),
          ]),
        );
      }
      if (caps.length > 0) {
        console.log("\nconcurrency caps:");
        console.log(
          table([
            ["  task", "queue", "cap", "running", "parked"],
            ...caps.map((c) => [`  ${c.task}`, c.queue, c.cap, c.running, c.parked]),
          ]),
        );
      }
      if (schedules.length > 0) {
        console.log("\nschedules:");
        console.log(
          table([
            ["  schedule", "task", "when", "catch-up", "last tick", "next run"],
            ...schedules.map((s) => [
              `  ${s.name}`,
              s.task,
              s.cron === null
                ? `every ${shortDuration(s.everyMs ?? 0)}`
                : `cron "${s.cron}" ${s.timezone ?? ""}`,
              s.catchUp,
              s.lastTick?.toISOString() ?? "-",
              s.nextRun?.toISOString() ?? "-",
            ]),
          ]),
        );
      }
    });
}

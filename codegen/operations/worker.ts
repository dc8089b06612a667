import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Command } from "commander";
import type { Worker } from "@jobgen/runtime";
import { CliError } from "../commands/cli-error.js";

interface WorkerFlags {
  readonly processes?: string;
}

/**
 * `jobgen worker <module> --processes N`: runs the worker a module makes in N processes with one
 * lifecycle (createWorkerPool). The module's default export (or its `worker` export) is a function
 * returning a worker, not started; it is loaded in the worker processes only.
 */
export function registerWorker(program: Command): void {
  program
    .command("worker")
    .description(
      "run a worker module in N processes: one per core, restarted when one dies, drained on SIGTERM",
    )
    .argument("<module>", "a module whose default export is () => createWorker(...) (not started)")
    .option("-p, --processes <n>", "worker processes (default: one per core)")
    .addHelpText(
      "after",
      [
        "",
        "The module (compiled JavaScript, or TypeScript with node --import tsx):",
        '  import { createWorker } from "./generated/index.js";',
        "  export default () => createWorker({ concurrency: 100 }, handlers);",
        "",
        "Example:",
        "  $ jobgen worker dist/worker.js --processes 2",
        "",
        "SIGTERM or SIGINT stops every process: each drains its tasks (shutdownTimeout), then the pool exits.",
        "See docs/worker-pool.md.",
      ].join("\n"),
    )
    .action(async (module: string, flags: WorkerFlags) => {
      const processes = flags.processes === undefined ? undefined : Number(flags.processes);
      if (processes !== undefined && !(Number.isInteger(processes) && processes > 0)) {
        throw new CliError(`--processes must be a whole number above 0, got "${flags.processes}"`);
      }
      const { createWorkerPool } = await import("@jobgen/runtime");
      const pool = createWorkerPool({ processes }, () => workerOf(module));
      await pool.start();
      pool.stopOnSignals();
    });
}

/** The worker the module makes (loaded in a worker process). */
async function workerOf(module: string): Promise<Worker> {
  const loaded = (await import(pathToFileURL(resolve(module)).href)) as Record<string, unknown>;
  const make = loaded.default ?? loaded.worker;
  if (typeof make !== "function") {
    throw new CliError(
      `${module} has no default (or \`worker\`) export that makes a worker; ` +
        "export default () => createWorker({ ... }, handlers)",
    );
  }
  return (await (make as () => Worker | Promise<Worker>)()) as Worker;
}

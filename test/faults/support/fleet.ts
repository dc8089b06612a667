/**
 * The worker processes of a test: spawned with `node --import tsx`, each under a consumer name of
 * its own; one that exits (killed, crashed, `process.exit`) is replaced by a new one under a new
 * consumer name unless the fleet is stopping. Every signal the test sends and every exit goes to
 * the ledger.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { LedgerWriter } from "./ledger.js";
import { waitFor } from "./wait.js";
import { EXIT_CANNOT_START, type WorkerProcessConfig } from "./worker-config.js";

const WORKER_MAIN = fileURLToPath(new URL("./worker-main.ts", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export interface LiveWorker {
  readonly pid: number;
  readonly consumer: string;
  readonly child: ChildProcess;
  readonly logPath: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export class WorkerFleet {
  private readonly live = new Map<number, LiveWorker>();
  private spawned = 0;
  private stopping = false;
  /** Replace workers that exit. */
  restart = true;

  constructor(
    private readonly base: Omit<WorkerProcessConfig, "consumer">,
    private readonly dir: string,
    private readonly ledger: LedgerWriter,
  ) {}

  get workers(): LiveWorker[] {
    return [...this.live.values()];
  }

  get spawnedCount(): number {
    return this.spawned;
  }

  spawn(overrides: Partial<WorkerProcessConfig> = {}): LiveWorker {
    this.spawned += 1;
    const consumer = `worker-${this.spawned}`;
    const logPath = join(this.dir, `${consumer}.log`);
    const log = openSync(logPath, "a");
    const config: WorkerProcessConfig = { ...this.base, ...overrides, consumer };
    const child = spawn(process.execPath, ["--import", "tsx", WORKER_MAIN], {
      cwd: REPO_ROOT,
      env: { ...process.env, FAULTS_WORKER: JSON.stringify(config) },
      stdio: ["ignore", log, log],
    });
    closeSync(log);
    const pid = child.pid;
    if (pid === undefined) throw new Error(`cannot spawn worker ${consumer}`);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once("exit", (code, signal) => {
        this.live.delete(pid);
        this.ledger.write({ ev: "exited", pid, consumer, code, signal });
        if (this.restart && !this.stopping && code !== EXIT_CANNOT_START) this.spawn(overrides);
        resolve({ code, signal });
      });
    });
    const worker: LiveWorker = { pid, consumer, child, logPath, exited };
    this.live.set(pid, worker);
    return worker;
  }

  /** Sends `signal` to the worker (recorded in the ledger first). */
  signal(worker: LiveWorker, signal: NodeJS.Signals): void {
    this.ledger.write({ ev: "signal", pid: worker.pid, consumer: worker.consumer, signal });
    worker.child.kill(signal);
  }

  find(pid: number): LiveWorker | undefined {
    return this.live.get(pid);
  }

  /** SIGTERM to every worker, SIGKILL to those still alive after `graceMs`; no replacements. */
  async stopAll(graceMs: number): Promise<void> {
    this.stopping = true;
    const workers = this.workers;
    for (const worker of workers) this.signal(worker, "SIGCONT");
    for (const worker of workers) this.signal(worker, "SIGTERM");
    try {
      await waitFor("workers to exit after SIGTERM", () => this.live.size === 0, { timeoutMs: graceMs });
    } catch {
      for (const worker of this.workers) this.signal(worker, "SIGKILL");
      await Promise.all(workers.map((worker) => worker.exited));
    }
  }
}

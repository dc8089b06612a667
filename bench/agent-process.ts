/** The orchestrator's handle on one bench agent child process (agent.ts), spoken to over IPC. */
import { fork, type ChildProcess } from "node:child_process";
import type { LibraryName } from "./adapters/adapter.js";
import type { CommandName, Commands, Reply } from "./protocol.js";

const AGENT_SCRIPT = new URL("./agent.ts", import.meta.url).pathname;

export class AgentProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    child.on("message", (reply: Reply) => {
      if ("ready" in reply) return;
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if ("error" in reply) waiter?.reject(new Error(reply.error));
      else waiter?.resolve(reply.result);
    });
    child.once("exit", (code, signal) => {
      for (const waiter of this.waiting.values()) {
        waiter.reject(new Error(`bench agent exited (code ${code}, signal ${signal}) before answering`));
      }
      this.waiting.clear();
    });
  }

  /** Starts an agent for `library`; resolves once its modules are loaded. `nodeArgs` e.g. `--cpu-prof`. */
  static spawn(
    library: LibraryName,
    redisUrl: string,
    nodeArgs: readonly string[] = [],
  ): Promise<AgentProcess> {
    const child = fork(AGENT_SCRIPT, [library, redisUrl], {
      execArgv: ["--import", "tsx", ...nodeArgs],
      // The agent's stdout (the libraries' default loggers) goes nowhere, as in a quiet production box.
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    return new Promise((resolve, reject) => {
      child.once("message", () => resolve(new AgentProcess(child)));
      child.once("exit", (code) => reject(new Error(`bench agent for ${library} exited with code ${code}`)));
      child.once("error", reject);
    });
  }

  request<C extends CommandName>(cmd: C, args: Commands[C]["args"]): Promise<Commands[C]["result"]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, cmd, args });
    });
  }

  /** Closes the library's connections, then ends the process (which writes any CPU profile). */
  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.connected) {
      await this.request("close", {}).catch(() => undefined);
      this.child.disconnect();
    }
    const killTimer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await this.exited;
    clearTimeout(killTimer);
  }
}

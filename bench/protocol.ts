/** The messages between the orchestrator (run.ts) and a bench agent (agent.ts), over Node IPC. */

/** A timed run: wall-clock ms and the CPU time (user + system) this process spent in it. */
export interface Timed {
  readonly ms: number;
  readonly cpuMicros: number;
}

export interface DrainResult extends Timed {
  readonly handled: number;
  readonly peakRssBytes: number;
}

export interface LatencyResult {
  readonly received: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface ProduceResult {
  readonly sent: number;
  readonly errors: number;
  /** How far behind its schedule the producer was when it sent the last task. */
  readonly behindMs: number;
}

/** Every command an agent understands, with its arguments and result. */
export interface Commands {
  bulk: { args: { n: number; batch: number; profilePath?: string }; result: Timed };
  single: { args: { n: number; profilePath?: string }; result: Timed };
  /** Untimed single enqueues: the client connected and its code warm before `single` is timed. */
  warmUp: { args: { n: number }; result: null };
  /** `profilePath` (bulk, single, drain): write a V8 CPU profile of just the timed part there. */
  drain: { args: { n: number; concurrency: number; profilePath?: string }; result: DrainResult };
  /**
   * One of several worker processes draining the same backlog: starts a worker, returns once nothing
   * is waiting or pending in the queue (whoever handled it); `handled` is this process's share.
   */
  drainShared: { args: { concurrency: number }; result: DrainResult };
  latencyStart: { args: { concurrency: number }; result: null };
  latencyCollect: { args: { expected: number; warmup: number; timeoutMs: number }; result: LatencyResult };
  produce: { args: { rate: number; seconds: number; warmupSeconds: number }; result: ProduceResult };
  close: { args: Record<string, never>; result: null };
}

export type CommandName = keyof Commands;

export interface Request<C extends CommandName = CommandName> {
  readonly id: number;
  readonly cmd: C;
  readonly args: Commands[C]["args"];
}

export type Reply =
  | { readonly ready: true }
  | { readonly id: number; readonly result: unknown }
  | { readonly id: number; readonly error: string };

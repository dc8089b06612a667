/** What the benchmark needs from a queue library; one implementation per library. */
import type { BenchPayload } from "../registry.js";

export type LibraryName = "jobgen" | "bullmq" | "bare";

export interface RunningWorker {
  stop(): Promise<void>;
}

export interface BenchAdapter {
  /** Enqueues one batch with the library's bulk form; resolves once all are accepted. */
  enqueueBulk(batch: readonly BenchPayload[]): Promise<void>;
  /** Enqueues one task; resolves once it is accepted. */
  enqueue(payload: BenchPayload): Promise<void>;
  /** Starts consuming with the given concurrency; `onHandle` runs at the start of each handler. */
  startWorker(concurrency: number, onHandle: (payload: BenchPayload) => void): Promise<RunningWorker>;
  /** Tasks still waiting or in flight (not yet acknowledged / completed); 0 exactly when none is left. */
  outstanding(): Promise<number>;
  close(): Promise<void>;
}

export async function loadAdapter(library: LibraryName, redisUrl: string): Promise<BenchAdapter> {
  switch (library) {
    case "jobgen":
      return await (await import("./jobgen.js")).createJobgenAdapter(redisUrl);
    case "bullmq":
      return (await import("./bullmq.js")).createBullmqAdapter(redisUrl);
    case "bare":
      return (await import("./bare.js")).createBareAdapter(redisUrl);
  }
}

/**
 * The hand-written registry of the fault suite: one queue and one task type, `work`, whose
 * behaviour is set by its payload (how long it runs, how it fails, whether it hangs, loops, exits
 * its process or kills it around a transition). Producer (test) and workers share it.
 */
import { z } from "zod";
import type { TaskRegistry } from "../../../runtime/types.js";

export const WORK = "work";
export const QUEUE = "default";

export const FAILURE_KINDS = [
  "error",
  "string",
  "object",
  "undefined",
  "null",
  "reject",
  "permanent",
] as const;

export const workPayload = z.strictObject({
  /** The producer's sequence number, for the ledger. */
  seq: z.number().int().nonnegative(),
  /** Time the handler spends before its outcome. */
  durationMs: z.number().int().nonnegative().max(600_000).optional(),
  /** Whether the wait above ends early (rejects) when `ctx.signal` aborts. @defaultValue true */
  respectSignal: z.boolean().optional(),
  /** The first N attempts fail with `failWith`. */
  failTimes: z.number().int().nonnegative().optional(),
  failWith: z.enum(FAILURE_KINDS).optional(),
  /** Never settles, ignoring the signal: on the first delivery only, or always. */
  hang: z.enum(["once", "always"]).optional(),
  /** Blocks the whole worker process in a synchronous loop. */
  syncLoop: z.enum(["once", "always"]).optional(),
  /** Calls `process.exit(3)` from inside the handler. */
  exit: z.enum(["once", "always"]).optional(),
  /** SIGKILLs the worker right before / right after the retry or dead-letter call of each failing attempt (once). */
  killAt: z.enum(["before-transition", "after-transition"]).optional(),
  /** Performs a side effect through the SET NX idempotency helper before succeeding. */
  effect: z.boolean().optional(),
  label: z.string().max(1000).optional(),
});

export type WorkPayload = z.infer<typeof workPayload>;

export interface RegistryConfig {
  /** @defaultValue 3 */
  readonly maxRetries?: number;
  /** @defaultValue 10 000 ms */
  readonly timeoutMs?: number;
  /** Queue backpressure limit; absent: none. */
  readonly maxLen?: number;
  /** Streams the queue is spread over; absent: 1. */
  readonly partitions?: number;
}

/** Largest payload a `work` task accepts (bytes of JSON text); the poison test sends 20 MB. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;
/** Deepest nesting a `work` task accepts; the poison test sends 10 000 levels. */
export const MAX_DEPTH = 16;

export function faultRegistry(config: RegistryConfig = {}): TaskRegistry {
  return {
    queues: {
      [QUEUE]: {
        name: QUEUE,
        stream: "tasks",
        group: "workers",
        dlq: "tasks:dlq",
        ...(config.maxLen === undefined ? {} : { maxLen: config.maxLen }),
        ...(config.partitions === undefined ? {} : { partitions: config.partitions }),
      },
    },
    tasks: {
      [WORK]: {
        name: WORK,
        queue: QUEUE,
        maxRetries: config.maxRetries ?? 3,
        timeoutMs: config.timeoutMs ?? 10_000,
        backoff: { strategy: "exponential", baseMs: 100, maxMs: 1_000, jitter: "full" },
        maxPayloadBytes: MAX_PAYLOAD_BYTES,
        maxDepth: MAX_DEPTH,
        validator: workPayload,
      },
    },
  };
}

/**
 * The hand-written registry the benchmark uses instead of generated code: one queue and one task
 * shaped like `send_email` of schema.example.yaml, with a zod validator, so the jobgen side runs
 * the same validation a generated client would. Every library gets the same payloads.
 */
import { z } from "zod";
import type { TaskRegistry } from "../runtime/index.js";

/** Wire name of the benchmark task (BullMQ job name too). */
export const BENCH_TASK = "send_email";

/** Queue / stream name every library uses (BullMQ queue name, stream key after the prefix). */
export const BENCH_QUEUE = "bench";

/** Key prefix of jobgen and the bare loop; BullMQ keeps its default `bull:` prefix. */
export const BENCH_KEY_PREFIX = "jg:";

const BODY =
  "Hello, your order has shipped and is on its way. Track it with the link in your account. " +
  "Thank you for shopping with us.";

export const benchPayloadSchema = z
  .object({
    to: z.email(),
    subject: z.string().max(200),
    body: z.string(),
    /** Sequence number; negative for latency warm-up tasks. */
    i: z.number().int(),
    /** CLOCK_MONOTONIC microseconds at enqueue (latency rows); 0 elsewhere. */
    sentAt: z.number(),
  })
  .strict();

export type BenchPayload = z.infer<typeof benchPayloadSchema>;

export function makePayload(i: number, sentAt = 0): BenchPayload {
  return {
    to: `user${i < 0 ? -i : i}@example.com`,
    subject: "Your order has shipped",
    body: BODY,
    i,
    sentAt,
  };
}

export const benchRegistry: TaskRegistry = {
  queues: {
    default: { name: "default", stream: BENCH_QUEUE, group: "workers", dlq: `${BENCH_QUEUE}:dlq` },
  },
  tasks: {
    [BENCH_TASK]: { name: BENCH_TASK, queue: "default", validator: benchPayloadSchema },
  },
};

/** Microseconds of CLOCK_MONOTONIC: the same clock in every process of this machine. */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

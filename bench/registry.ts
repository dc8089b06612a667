/**
 * The hand-written registry the benchmark uses instead of generated code: one queue and one task
 * shaped like `send_email` of schema.example.yaml, with the zod validator and compiled check the
 * generator makes for it, so the jobgen side runs the validation a generated client runs. Every
 * library gets the same payloads.
 */
import { compiledChecks } from "../codegen/emit/checks/evaluate.js";
import { zodValidators } from "../codegen/emit/zod/evaluate.js";
import type { JsonSchema } from "../codegen/model/json-schema.js";
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

/** The payload schema, as `send_email` of schema.example.yaml would declare it. */
const BENCH_PAYLOAD_SCHEMA: JsonSchema = {
  type: "object",
  required: ["to", "subject", "body", "i", "sentAt"],
  additionalProperties: false,
  properties: {
    to: { type: "string", format: "email" },
    subject: { type: "string", maxLength: 200 },
    body: { type: "string" },
    /** Sequence number; negative for latency warm-up tasks. */
    i: { type: "integer" },
    /** CLOCK_MONOTONIC microseconds at enqueue (latency rows); 0 elsewhere. */
    sentAt: { type: "number" },
  },
};

/** The zod validator and compiled check the generator writes for that schema, built as the CLI builds them. */
export const benchPayloadSchema = zodValidators(new Map())(BENCH_PAYLOAD_SCHEMA);
const benchPayloadCheck = compiledChecks(new Map())(BENCH_PAYLOAD_SCHEMA);

export interface BenchPayload {
  readonly to: string;
  readonly subject: string;
  readonly body: string;
  readonly i: number;
  readonly sentAt: number;
}

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
    [BENCH_TASK]: {
      name: BENCH_TASK,
      queue: "default",
      validator: benchPayloadSchema,
      check: benchPayloadCheck,
    },
  },
};

/** Microseconds of CLOCK_MONOTONIC: the same clock in every process of this machine. */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

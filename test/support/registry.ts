/**
 * A small hand-written TaskRegistry (what generated code would produce) for runtime tests.
 * Queue `default` (stream `tasks`) holds send_email and resize_image; queue `critical` holds
 * process_order and has maxLen 5 unless a test builds its own with {@link testRegistry}.
 */
import { z } from "zod";
import type { QueueDefinition, TaskDefinition, TaskRegistry } from "../../runtime/types.js";

export const sendEmailValidator = z.object({
  to: z.email(),
  subject: z.string().max(200),
  body: z.string().optional(),
});

export const processOrderValidator = z.object({
  orderId: z.uuid(),
  items: z.array(z.object({ sku: z.string(), quantity: z.number().int().positive() })).min(1),
});

export const resizeImageValidator = z.object({ url: z.string(), width: z.number().int().positive() });

export interface TestRegistryOptions {
  /** maxLen of the `default` queue. @defaultValue none (unbounded) */
  readonly defaultMaxLen?: number;
  /** maxLen of the `critical` queue. @defaultValue 5 */
  readonly criticalMaxLen?: number;
}

export function testRegistry(options: TestRegistryOptions = {}): TaskRegistry {
  const queues: Record<string, QueueDefinition> = {
    default: {
      name: "default",
      stream: "tasks",
      group: "workers",
      dlq: "tasks:dlq",
      ...(options.defaultMaxLen === undefined ? {} : { maxLen: options.defaultMaxLen }),
    },
    critical: {
      name: "critical",
      stream: "critical",
      group: "workers",
      dlq: "critical:dlq",
      maxLen: options.criticalMaxLen ?? 5,
    },
  };
  const tasks: Record<string, TaskDefinition> = {
    send_email: {
      name: "send_email",
      queue: "default",
      maxRetries: 5,
      timeoutMs: 10_000,
      backoff: { strategy: "exponential", baseMs: 100, maxMs: 1_000, jitter: "none" },
      maxPayloadBytes: 4_096,
      validator: sendEmailValidator,
    },
    resize_image: {
      name: "resize_image",
      queue: "default",
      validator: resizeImageValidator,
    },
    process_order: {
      name: "process_order",
      queue: "critical",
      maxRetries: 2,
      timeoutMs: 5_000,
      backoff: { strategy: "linear", baseMs: 50 },
      validator: processOrderValidator,
    },
  };
  return { queues, tasks };
}

/**
 * A registry with the schema's policies, for the policy tests: queue `default` (stream `tasks`) holds
 * `tick` (enqueued by the schedule `every_second` when `withSchedule`), `limited` (20 starts per
 * second per `tenant`) and `capped` (at most 3 running at once).
 */
import { z } from "zod";
import type { ScheduleDefinition, TaskRegistry } from "../../runtime/types.js";

export const POLICY_RATE = { limit: 20, perMs: 1_000 } as const;
export const POLICY_CAP = 3;

export function policyRegistry(
  options: { withSchedule?: boolean; schedule?: ScheduleDefinition } = {},
): TaskRegistry {
  const schedule: ScheduleDefinition = options.schedule ?? {
    task: "tick",
    everyMs: 1_000,
    catchUp: "none",
    payload: { n: 1 },
  };
  return {
    queues: { default: { name: "default", stream: "tasks", group: "workers", dlq: "tasks:dlq" } },
    tasks: {
      tick: { name: "tick", queue: "default", validator: z.object({ n: z.number().int() }) },
      limited: {
        name: "limited",
        queue: "default",
        validator: z.object({ tenant: z.string(), n: z.number().int() }),
        rateLimit: { ...POLICY_RATE, key: ["tenant"] },
      },
      capped: {
        name: "capped",
        queue: "default",
        validator: z.object({ n: z.number().int() }),
        concurrency: POLICY_CAP,
      },
    },
    ...(options.withSchedule === true || options.schedule !== undefined
      ? { schedules: { every_second: schedule } }
      : {}),
  };
}

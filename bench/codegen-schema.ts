/** The synthetic schema `npm run bench:codegen` and `npm run bench:package` time jobgen on. */

/** Tasks in the bench schema. */
export const BENCH_TASKS = 300;

/** A schema of {@link BENCH_TASKS} tasks over 3 queues, mixing the constructs real schemas use. */
export function syntheticSchema(): unknown {
  const tasks: Record<string, unknown> = {};
  for (let i = 0; i < BENCH_TASKS; i++) {
    tasks[`task_${String(i).padStart(3, "0")}`] = {
      description: `Synthetic task number ${i}`,
      queue: ["default", "critical", "bulk"][i % 3],
      maxRetries: i % 7,
      timeout: `${(i % 50) + 1}s`,
      payload: {
        type: "object",
        required: ["id", "email", "items"],
        additionalProperties: i % 2 === 0 ? false : undefined,
        properties: {
          id: { type: "string", format: "uuid" },
          email: { type: "string", format: "email", "x-sensitive": true },
          at: { type: "string", format: "date-time" },
          kind: { type: "string", enum: ["a", "b", "c"] },
          count: { type: "integer", minimum: 0, maximum: 1000 },
          address: { $ref: "#/types/Address" },
          items: {
            type: "array",
            minItems: 1,
            items: {
              type: "object",
              required: ["sku"],
              properties: { sku: { type: "string", pattern: "^[A-Z0-9]+$" }, qty: { type: "number" } },
            },
          },
          note: { type: ["string", "null"], maxLength: 500 },
        },
      },
    };
  }
  return {
    version: 1,
    defaults: {
      maxRetries: 3,
      timeout: "30s",
      backoff: { strategy: "exponential", base: "1s", max: "5m", jitter: "full" },
    },
    queues: {
      default: { stream: "tasks" },
      critical: { stream: "critical" },
      bulk: { stream: "bulk", maxLen: 1000000 },
    },
    types: {
      Address: {
        type: "object",
        required: ["city"],
        properties: { city: { type: "string" }, zip: { type: "string" } },
      },
    },
    tasks: JSON.parse(JSON.stringify(tasks)) as unknown,
  };
}

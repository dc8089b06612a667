/**
 * The task registry of a schema file built in memory, for the operations commands (`jobgen
 * enqueue`, `jobgen dlq replay`, `jobgen dlq show`): the same queues, settings and sensitive paths
 * as the generated registry, and the same validators (emit/zod/evaluate.ts) and compiled checks
 * (emit/checks/evaluate.ts).
 */
import type { QueueDefinition, ScheduleDefinition, TaskDefinition, TaskRegistry } from "@jobgen/runtime";
import { compiledChecks } from "../emit/checks/evaluate.js";
import { zodValidators } from "../emit/zod/evaluate.js";
import { hasDefaults } from "../model/defaults.js";
import type { JsonSchema } from "../model/json-schema.js";
import type { SchemaModel } from "../model/model.js";

export function registryFromModel(model: SchemaModel): TaskRegistry {
  const types = new Map(model.types.map((type) => [type.name, type.schema]));
  const validatorOf = zodValidators(types);
  const compile = compiledChecks(types);
  // As the generated registry: a check only where the validator fills in no default.
  const checkOf = (payload: JsonSchema) => (hasDefaults(payload, types) ? {} : { check: compile(payload) });
  const queues = model.queues.map((queue): [string, QueueDefinition] => [
    queue.name,
    {
      name: queue.name,
      stream: queue.stream,
      group: queue.group,
      dlq: queue.dlq,
      ...(queue.maxLen === undefined ? {} : { maxLen: queue.maxLen }),
      ...(queue.partitions === undefined ? {} : { partitions: queue.partitions }),
      ...(queue.priorities === true ? { priorities: true } : {}),
    },
  ]);
  const tasks = model.tasks.map((task): [string, TaskDefinition] => [
    task.wireName,
    {
      name: task.wireName,
      queue: task.queue,
      ...(task.partitionKey === undefined ? {} : { partitionKey: task.partitionKey }),
      ...(task.description === undefined ? {} : { description: task.description }),
      ...(task.maxRetries === undefined ? {} : { maxRetries: task.maxRetries }),
      ...(task.timeoutMs === undefined ? {} : { timeoutMs: task.timeoutMs }),
      ...(task.priority === undefined ? {} : { priority: task.priority }),
      ...(task.backoff === undefined ? {} : { backoff: task.backoff }),
      maxPayloadBytes: task.maxPayloadBytes,
      maxDepth: task.maxDepth,
      sensitivePaths: task.sensitivePaths,
      validator: validatorOf(task.payload),
      ...checkOf(task.payload),
      ...(hasDefaults(task.payload, types) ? { fillsDefaults: true } : {}),
      ...(task.version === 1 ? {} : { version: task.version }),
      schemaHash: task.schemaHash,
      ...(task.rateLimit === undefined ? {} : { rateLimit: task.rateLimit }),
      ...(task.concurrency === undefined ? {} : { concurrency: task.concurrency }),
      ...(task.previous.length === 0
        ? {}
        : {
            previousVersions: Object.fromEntries(
              task.previous.map((kept) => [
                kept.version,
                {
                  validator: validatorOf(kept.payload),
                  ...checkOf(kept.payload),
                  schemaHash: kept.schemaHash,
                },
              ]),
            ),
          }),
    },
  ]);
  // Object.fromEntries defines keys as data, whatever the names are.
  const schedules = model.schedules.map(({ name, ...schedule }): [string, ScheduleDefinition] => [
    name,
    schedule,
  ]);
  return {
    queues: Object.fromEntries(queues),
    tasks: Object.fromEntries(tasks),
    ...(schedules.length === 0 ? {} : { schedules: Object.fromEntries(schedules) }),
  };
}

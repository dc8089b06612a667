/**
 * The task registry of a schema file built in memory, for the operations commands (`jobgen
 * enqueue`, `jobgen dlq replay`, `jobgen dlq show`): the same queues, settings and sensitive paths
 * as the generated registry, with validators made by zod's `z.fromJSONSchema` from each payload's
 * JSON Schema (shared `types` become `$defs`). The generator's own zod validators are TypeScript
 * source for the user's build; converting the checked JSON Schema subset directly keeps the CLI
 * free of code generation and evaluation. A test holds the two to the same verdicts on a corpus.
 */
import { z, type TaskRegistry, type QueueDefinition, type TaskDefinition } from "@jobgen/runtime";
import type { JsonSchema } from "../model/json-schema.js";
import type { SchemaModel } from "../model/model.js";

/** `#/types/Name` → `#/$defs/Name` in every `$ref` of a schema. */
function refsToDefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(refsToDefs);
  if (typeof schema !== "object" || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === "$ref" && typeof value === "string"
        ? value.replace(/^#\/types\//, "#/$defs/")
        : refsToDefs(value),
    ]),
  );
}

/** A zod validator equivalent to `payload`, with the schema's shared types available to `$ref`. */
export function payloadValidator(payload: JsonSchema, model: SchemaModel): z.ZodType {
  const $defs = Object.fromEntries(model.types.map((type) => [type.name, refsToDefs(type.schema)]));
  const schema = { ...(refsToDefs(payload) as Record<string, unknown>), $defs };
  return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
}

export function registryFromModel(model: SchemaModel): TaskRegistry {
  const queues = model.queues.map((queue): [string, QueueDefinition] => [
    queue.name,
    {
      name: queue.name,
      stream: queue.stream,
      group: queue.group,
      dlq: queue.dlq,
      ...(queue.maxLen === undefined ? {} : { maxLen: queue.maxLen }),
    },
  ]);
  const tasks = model.tasks.map((task): [string, TaskDefinition] => [
    task.wireName,
    {
      name: task.wireName,
      queue: task.queue,
      ...(task.description === undefined ? {} : { description: task.description }),
      ...(task.maxRetries === undefined ? {} : { maxRetries: task.maxRetries }),
      ...(task.timeoutMs === undefined ? {} : { timeoutMs: task.timeoutMs }),
      ...(task.backoff === undefined ? {} : { backoff: task.backoff }),
      maxPayloadBytes: task.maxPayloadBytes,
      maxDepth: task.maxDepth,
      sensitivePaths: task.sensitivePaths,
      validator: payloadValidator(task.payload, model),
    },
  ]);
  // Object.fromEntries defines keys as data, whatever the names are.
  return { queues: Object.fromEntries(queues), tasks: Object.fromEntries(tasks) };
}

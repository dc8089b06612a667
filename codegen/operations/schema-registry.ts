/**
 * The task registry of a schema file built in memory, for the operations commands (`jobgen
 * enqueue`, `jobgen dlq replay`, `jobgen dlq show`): the same queues, settings and sensitive paths
 * as the generated registry, and the same validators: each is the generator's own zod expression
 * (the text validators.ts holds), evaluated here with zod and the runtime's checks in scope, so
 * the CLI cannot judge a payload otherwise than the generated code does. Schema text never
 * becomes code in that expression: names are checked identifiers and every value is a literal.
 */
import {
  codePointLength,
  hasUniqueItems,
  isDate,
  isDateTime,
  isEmail,
  isMultipleOf,
  isUri,
  isUuid,
  jsonEquals,
  z,
  type QueueDefinition,
  type TaskDefinition,
  type TaskRegistry,
} from "@jobgen/runtime";
import { flat, type Doc } from "../emit/layout.js";
import type { HelperName } from "../emit/zod/context.js";
import { typeValidatorName, zodExpression } from "../emit/zod/transform.js";
import type { SchemaModel } from "../model/model.js";

/** The runtime's checks by the names generated validators call them. */
const CHECKS: Readonly<Record<HelperName, unknown>> = {
  codePointLength,
  hasUniqueItems,
  isDate,
  isDateTime,
  isEmail,
  isMultipleOf,
  isUri,
  isUuid,
  jsonEquals,
};

/** The zod validator of every task's payload, by wire name, as validators.ts declares them. */
export function payloadValidators(model: SchemaModel): Map<string, z.ZodType> {
  const scope = new Map<string, unknown>([["z", z], ...Object.entries(CHECKS)]);
  const helpers = new Set<HelperName>();
  for (const type of model.types) {
    scope.set(typeValidatorName(type.name), evaluate(zodExpression(type.schema, helpers), scope));
  }
  return new Map(
    model.tasks.map((task) => [
      task.wireName,
      evaluate(zodExpression(task.payload, helpers), scope) as z.ZodType,
    ]),
  );
}

/** The value of a generated expression, with `scope`'s names bound. */
function evaluate(expression: Doc, scope: ReadonlyMap<string, unknown>): unknown {
  const build = new Function(...scope.keys(), `"use strict";\nreturn (${flat(expression)});`) as (
    ...values: unknown[]
  ) => unknown;
  return build(...scope.values());
}

export function registryFromModel(model: SchemaModel): TaskRegistry {
  const validators = payloadValidators(model);
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
      validator: validators.get(task.wireName) ?? z.never(),
    },
  ]);
  // Object.fromEntries defines keys as data, whatever the names are.
  return { queues: Object.fromEntries(queues), tasks: Object.fromEntries(tasks) };
}

import { hasDefaults } from "../model/defaults.js";
import type { BackoffModel, QueueModel, ScheduleModel, SchemaModel, TaskModel } from "../model/model.js";
import { payloadValidatorName, versionValidatorName } from "../model/naming.js";
import { registryChecks } from "./checks.js";
import { constDeclaration, importDeclaration, printFile } from "./declarations.js";
import type { EmitOptions, GeneratedFile } from "./file.js";
import { literal } from "./literal.js";
import { concat, group, objectDoc, type Doc } from "./layout.js";

/** registry.ts: the TaskRegistry the runtime reads, and the wire name of each client member. */
export function emitRegistry(model: SchemaModel, header: string, options: EmitOptions): GeneratedFile {
  const types = new Map(model.types.map((type) => [type.name, type.schema]));
  const checks = registryChecks(model);
  const registry = objectDoc([
    ["queues", objectDoc(model.queues.map((queue) => [literal(queue.name), queueLiteral(queue)]))],
    [
      "tasks",
      objectDoc(
        model.tasks.map((task) => [
          literal(task.wireName),
          taskLiteral(task, hasDefaults(task.payload, types), checks),
        ]),
      ),
    ],
    ...(model.schedules.length === 0
      ? []
      : [
          [
            "schedules",
            objectDoc(model.schedules.map((schedule) => [literal(schedule.name), scheduleLiteral(schedule)])),
          ] as const,
        ]),
  ]);
  const checkNames = model.tasks.flatMap((task) => [
    checks.payload(task),
    ...task.previous.map((kept) => checks.version(task, kept.version, kept.payload)),
  ]);
  const wireNames = objectDoc(model.tasks.map((task) => [task.camel, literal(task.wireName)]));
  return printFile("registry.ts", header, [
    [
      importDeclaration(["TaskRegistry"], options.runtime, true),
      importDeclaration(
        model.tasks.flatMap((task) => [
          payloadValidatorName(task.pascal),
          ...task.previous.map((kept) => versionValidatorName(task.pascal, kept.version)),
        ]),
        "./validators.js",
      ),
      ...(checkNames.some((name) => name !== undefined)
        ? [
            importDeclaration(
              checkNames.filter((name): name is string => name !== undefined),
              "./checks.js",
            ),
          ]
        : []),
    ],
    constDeclaration({
      doc: "Every queue and task of the schema, as the runtime reads them (tasks keyed by wire name).",
      exported: true,
      name: "registry",
      type: "TaskRegistry",
      value: registry,
    }),
    constDeclaration({
      doc: "The wire name (`type` on the stream) of each task, by its member name in the client.",
      exported: true,
      name: "wireNames",
      value: concat(wireNames, " as const"),
    }),
  ]);
}

function queueLiteral(queue: QueueModel): Doc {
  return objectDoc([
    ["name", literal(queue.name)],
    ["stream", literal(queue.stream)],
    ["group", literal(queue.group)],
    ["dlq", literal(queue.dlq)],
    ...(queue.maxLen === undefined ? [] : [["maxLen", literal(queue.maxLen)] as const]),
    ...(queue.priorities === true ? [["priorities", "true"] as const] : []),
    ...(queue.partitions === undefined ? [] : [["partitions", literal(queue.partitions)] as const]),
  ]);
}

function taskLiteral(
  task: TaskModel,
  fillsDefaults: boolean,
  checks: ReturnType<typeof registryChecks>,
): Doc {
  const entries: [string, Doc][] = [["name", literal(task.wireName)]];
  if (task.description !== undefined) entries.push(["description", literal(task.description)]);
  entries.push(["queue", literal(task.queue)]);
  if (task.partitionKey !== undefined)
    entries.push(["partitionKey", group("[", task.partitionKey.map(literal), "]")]);
  if (task.maxRetries !== undefined) entries.push(["maxRetries", literal(task.maxRetries)]);
  if (task.timeoutMs !== undefined) entries.push(["timeoutMs", literal(task.timeoutMs)]);
  if (task.priority !== undefined) entries.push(["priority", literal(task.priority)]);
  if (task.backoff !== undefined) entries.push(["backoff", backoffLiteral(task.backoff)]);
  entries.push(["maxPayloadBytes", literal(task.maxPayloadBytes)]);
  entries.push(["maxDepth", literal(task.maxDepth)]);
  entries.push([
    "sensitivePaths",
    group(
      "[",
      task.sensitivePaths.map((path) => group("[", path.map(literal), "]")),
      "]",
    ),
  ]);
  entries.push(["validator", payloadValidatorName(task.pascal)]);
  const check = checks.payload(task);
  if (check !== undefined) entries.push(["check", check]);
  if (fillsDefaults) entries.push(["fillsDefaults", "true"]);
  if (task.version !== 1) entries.push(["version", literal(task.version)]);
  entries.push(["schemaHash", literal(task.schemaHash)]);
  if (task.previous.length > 0) {
    entries.push([
      "previousVersions",
      objectDoc(
        task.previous.map((kept) => [
          literal(String(kept.version)),
          objectDoc([
            ["validator", versionValidatorName(task.pascal, kept.version)],
            ...optionalEntry("check", checks.version(task, kept.version, kept.payload)),
            ["schemaHash", literal(kept.schemaHash)],
          ]),
        ]),
      ),
    ]);
  }
  if (task.rateLimit !== undefined) {
    const { limit, perMs, key } = task.rateLimit;
    entries.push([
      "rateLimit",
      objectDoc([
        ["limit", literal(limit)],
        ["perMs", literal(perMs)],
        ...(key === undefined ? [] : [["key", group("[", key.map(literal), "]")] as const]),
      ]),
    ]);
  }
  if (task.concurrency !== undefined) entries.push(["concurrency", literal(task.concurrency)]);
  return objectDoc(entries);
}

function optionalEntry(key: string, value: string | undefined): [string, Doc][] {
  return value === undefined ? [] : [[key, value]];
}

function scheduleLiteral(schedule: ScheduleModel): Doc {
  const entries: [string, Doc][] = [["task", literal(schedule.task)]];
  if (schedule.cron !== undefined) entries.push(["cron", literal(schedule.cron)]);
  if (schedule.timezone !== undefined) entries.push(["timezone", literal(schedule.timezone)]);
  if (schedule.everyMs !== undefined) entries.push(["everyMs", literal(schedule.everyMs)]);
  entries.push(["catchUp", literal(schedule.catchUp)]);
  entries.push(["payload", valueDoc(schedule.payload)]);
  return objectDoc(entries);
}

/** A JSON value laid out like the rest of the file: objects and lists break across lines when long. */
function valueDoc(value: unknown): Doc {
  if (Array.isArray(value)) return group("[", value.map(valueDoc), "]");
  if (typeof value === "object" && value !== null)
    return objectDoc(Object.entries(value).map(([key, item]) => [literal(key), valueDoc(item)]));
  return literal(value);
}

function backoffLiteral(backoff: BackoffModel): Doc {
  const entries: [string, Doc][] = [];
  if (backoff.strategy !== undefined) entries.push(["strategy", literal(backoff.strategy)]);
  if (backoff.baseMs !== undefined) entries.push(["baseMs", literal(backoff.baseMs)]);
  if (backoff.maxMs !== undefined) entries.push(["maxMs", literal(backoff.maxMs)]);
  if (backoff.jitter !== undefined) entries.push(["jitter", literal(backoff.jitter)]);
  return objectDoc(entries);
}

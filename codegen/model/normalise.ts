/**
 * The model stage: checks a parsed schema file (version 1) and resolves it into a {@link SchemaModel}.
 * Pure: it sees plain data and reports issues by document path; the loader places them in the file.
 */
import {
  BACKOFF_JITTERS,
  BACKOFF_STRATEGIES,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_PAYLOAD_BYTES,
  PRIORITY_LEVELS,
  parseDurationText,
} from "@jobgen/runtime/contract";
import type { DocumentPath, SchemaIssue } from "../load/issue.js";
import { fillDefaults } from "./defaults.js";
import { payloadFingerprint } from "./fingerprint.js";
import { checkJsonSchema, isPlainObject, sensitivePaths, type JsonSchema } from "./json-schema.js";
import { DEFAULT_DLQ_SUFFIX, DEFAULT_GROUP, DEFAULT_QUEUE_NAME } from "./limits.js";
import type { BackoffModel, QueueModel, SchemaModel, SharedTypeModel, TaskModel } from "./model.js";
import {
  GENERATED_NAMES,
  SOMETIMES_GENERATED_NAMES,
  NAME_PATTERN,
  RESERVED_MEMBERS,
  RESERVED_TYPE_NAMES,
  TYPE_NAME_PATTERN,
  queueHandlersName,
  taskIdentifiers,
  toCamelCase,
  toPascalCase,
  typeIdentifiers,
  typeSometimesIdentifiers,
  taskSometimesIdentifiers,
  versionTypeName,
  versionValidatorName,
} from "./naming.js";
import { schemaHash } from "./schema-hash.js";
import { parseSize } from "./sizes.js";
import { didYouMean } from "./suggest.js";
import { readSchedules } from "./schedules.js";
import { readTaskLimits } from "./task-limits.js";
import { readVersions } from "./versions.js";
import { readPartitionKey, readPartitions } from "./partitions.js";

/** The schema versions this jobgen reads. */
export const SUPPORTED_VERSION = 1;

const TOP_KEYS = ["version", "defaults", "queues", "types", "tasks", "schedules"];
const DEFAULTS_KEYS = ["queue", "maxRetries", "timeout", "backoff", "maxPayloadSize", "maxDepth"];
const QUEUE_KEYS = ["stream", "group", "dlq", "maxLen", "partitions"];
const TASK_KEYS = [
  "description",
  "queue",
  "maxRetries",
  "timeout",
  "backoff",
  "maxPayloadSize",
  "maxDepth",
  "priority",
  "version",
  "payload",
  "previous",
  "partitionKey",
  "rateLimit",
  "concurrency",
];
const BACKOFF_KEYS = ["strategy", "base", "max", "jitter"];

export type NormaliseResult =
  | { readonly model: SchemaModel; readonly issues: readonly [] }
  | { readonly model?: undefined; readonly issues: readonly SchemaIssue[] };

/** Checks the whole document and returns the model, or every issue found. */
export function normalise(document: unknown, sourceName: string): NormaliseResult {
  const issues: SchemaIssue[] = [];
  const report = (path: DocumentPath, message: string, hint?: string, atKey = false): void => {
    issues.push({ path, message, ...(hint === undefined ? {} : { hint }), ...(atKey ? { atKey } : {}) });
  };

  if (!isPlainObject(document)) {
    report(
      [],
      "the schema file must be a mapping with version, queues and tasks",
      "run `jobgen init` for a starter schema",
    );
    return { issues };
  }
  checkKeys(document, [], TOP_KEYS, "the top level", report);
  if (document.version !== SUPPORTED_VERSION) {
    report(
      "version" in document ? ["version"] : [],
      "version" in document
        ? `unsupported schema version ${JSON.stringify(document.version)}`
        : "the schema has no version",
      `write version: ${SUPPORTED_VERSION} (the only version this jobgen reads)`,
    );
  }

  const defaults = section(document, "defaults", report);
  checkKeys(defaults, ["defaults"], DEFAULTS_KEYS, "defaults", report);
  const queues = readQueues(document, report);
  const queueNames = queues.map((queue) => queue.name);
  const defaultQueue = readQueueRef(defaults, ["defaults"], queueNames, DEFAULT_QUEUE_NAME, report);
  const defaultPolicy = readPolicy(defaults, ["defaults"], report);

  const typeSchemas = section(document, "types", report);
  const typeNames = new Set(Object.keys(typeSchemas));
  const identifiers = new Map<string, string>();
  /** Claims identifiers for one owner; reports the first one already taken. */
  const claim = (wanted: readonly string[], owner: string, path: DocumentPath): boolean => {
    for (const identifier of wanted) {
      const holder = identifiers.get(identifier);
      if (holder !== undefined) {
        report(
          path,
          `${owner} maps to the identifier ${identifier}, which ${holder} already uses`,
          "rename one of them",
          true,
        );
        return false;
      }
    }
    for (const identifier of wanted) identifiers.set(identifier, owner);
    return true;
  };
  for (const name of [...GENERATED_NAMES, ...SOMETIMES_GENERATED_NAMES])
    identifiers.set(name, "jobgen's generated code");

  const types: { name: string; schema: JsonSchema; refs: { name: string; path: DocumentPath }[] }[] = [];
  for (const name of Object.keys(typeSchemas).sort()) {
    const path = ["types", name];
    if (!TYPE_NAME_PATTERN.test(name) || RESERVED_TYPE_NAMES.has(name)) {
      report(
        path,
        RESERVED_TYPE_NAMES.has(name)
          ? `type name "${name}" is reserved (a TypeScript built-in)`
          : `bad type name "${name}"`,
        "type names are PascalCase: a capital letter, then letters and digits (Address, OrderLine)",
        true,
      );
      continue;
    }
    claim([...typeIdentifiers(name), ...typeSometimesIdentifiers(name)], `type "${name}"`, path);
    const refs: { name: string; path: DocumentPath }[] = [];
    checkJsonSchema(typeSchemas[name], path, { typeNames, issues, refs });
    types.push({ name, schema: typeSchemas[name] as JsonSchema, refs });
  }
  const orderedTypes = orderTypes(types, report);
  const typeMap = new Map(types.map((type) => [type.name, type.schema]));

  const taskSection = section(document, "tasks", report);
  const tasks: TaskModel[] = [];
  if (Object.keys(taskSection).length === 0 && issues.length === 0) {
    report(["tasks"], "the schema declares no tasks", "add at least one task under tasks");
  }
  for (const wireName of Object.keys(taskSection).sort()) {
    const path = ["tasks", wireName];
    const camel = toCamelCase(wireName);
    const pascal = toPascalCase(wireName);
    if (!NAME_PATTERN.test(wireName)) {
      report(
        path,
        `bad task name "${wireName}"`,
        "task names match [a-z][a-z0-9_.-]* (send_email, billing.invoice-created)",
        true,
      );
      continue;
    }
    if (RESERVED_MEMBERS.has(camel)) {
      report(
        path,
        `task name "${wireName}" is reserved: it becomes the member "${camel}"`,
        `choose another name, such as "${wireName}_task"`,
        true,
      );
      continue;
    }
    const owner = `task "${wireName}"`;
    claim([...taskIdentifiers(wireName), ...taskSometimesIdentifiers(wireName)], owner, path);

    const task = taskSection[wireName];
    if (!isPlainObject(task)) {
      report(
        path,
        `task "${wireName}" must be a mapping with a payload`,
        "write it like send_email: { payload: { type: object } }",
      );
      continue;
    }
    checkKeys(task, path, TASK_KEYS, `task "${wireName}"`, report);
    if (task.description !== undefined && typeof task.description !== "string") {
      report([...path, "description"], "description must be text");
    }
    if (!("payload" in task)) {
      report(
        path,
        `task "${wireName}" has no payload`,
        "add payload: a JSON Schema such as { type: object, properties: {...} }",
        true,
      );
    } else {
      checkJsonSchema(task.payload, [...path, "payload"], { typeNames, issues, refs: [] });
    }
    const versions = readVersions(task, path, { typeNames, issues });
    for (const kept of versions.previous) {
      claim([versionTypeName(pascal, kept.version), versionValidatorName(pascal, kept.version)], owner, [
        ...path,
        "previous",
      ]);
    }
    const policy = readPolicy(task, path, report);
    const priority = readChoice(task, "priority", PRIORITY_LEVELS, path, report);
    const limits = readTaskLimits(task, path, typeMap, issues);
    const payload = (task.payload ?? {}) as JsonSchema;
    const backoff = { ...defaultPolicy.backoff, ...policy.backoff };
    const queue = readQueueRef(task, path, queueNames, defaultQueue, report);
    if (priority !== undefined && (queues.find((q) => q.name === queue)?.partitions ?? 1) > 1) {
      report(
        [...path, "priority"],
        `task "${wireName}" declares a priority, but its queue "${queue}" is partitioned; jobgen does not combine priority levels with partitions`,
        "drop `priority`, or move the task to a queue without `partitions`",
      );
    }
    for (const key of ["rateLimit", "concurrency"] as const) {
      if (limits[key] !== undefined && (queues.find((q) => q.name === queue)?.partitions ?? 1) > 1)
        report(
          [...path, key],
          `task "${wireName}" declares ${key}, but its queue "${queue}" is partitioned; jobgen does not combine ${key} with partitions`,
          `drop \`${key}\`, or move the task to a queue without \`partitions\``,
        );
    }
    tasks.push({
      wireName,
      camel,
      pascal,
      ...(typeof task.description === "string" ? { description: task.description } : {}),
      queue,
      ...optional("partitionKey", readPartitionKey(task, path, payload, typeMap, report)),
      ...optional("maxRetries", policy.maxRetries ?? defaultPolicy.maxRetries),
      ...optional("timeoutMs", policy.timeoutMs ?? defaultPolicy.timeoutMs),
      ...optional("priority", priority),
      ...(Object.keys(backoff).length > 0 ? { backoff } : {}),
      maxPayloadBytes: policy.maxPayloadBytes ?? defaultPolicy.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
      maxDepth: policy.maxDepth ?? defaultPolicy.maxDepth ?? DEFAULT_MAX_DEPTH,
      sensitivePaths: issues.length === 0 ? sensitivePaths(payload, typeMap) : [],
      payload,
      version: versions.version,
      previous: versions.previous.map((kept) => ({ ...kept, schemaHash: "" })),
      schemaHash: "",
      ...limits,
    });
  }
  for (const queue of queues)
    claim([queueHandlersName(queue.pascal)], `queue "${queue.name}"`, ["queues", queue.name]);

  if (issues.length > 0) return { issues };
  const withDefaults = <T>(schema: JsonSchema, path: DocumentPath, rebuild: (filled: JsonSchema) => T): T => {
    const result = fillDefaults(schema, path, typeMap);
    issues.push(...result.issues);
    return rebuild(result.schema);
  };
  const filledTypes = orderedTypes.map((type) =>
    withDefaults(type.schema, ["types", type.name], (schema) => ({ ...type, schema })),
  );
  const filledTasks = tasks.map((task) => {
    const path = ["tasks", task.wireName];
    const previous = task.previous.map((kept) =>
      withDefaults(kept.payload, [...path, "previous", String(kept.version)], (payload) => ({
        ...kept,
        payload,
        schemaHash: payloadFingerprint(payload, typeMap),
      })),
    );
    return withDefaults(task.payload, [...path, "payload"], (payload) => ({
      ...task,
      payload,
      previous,
      schemaHash: payloadFingerprint(payload, typeMap),
    }));
  });
  const partitioned = new Set(queues.filter((q) => (q.partitions ?? 1) > 1).map((q) => q.name));
  const schedules = readSchedules(
    section(document, "schedules", report),
    filledTasks,
    { types: typeMap, partitioned },
    issues,
  );
  if (issues.length > 0) return { issues };
  const normalised = {
    queues: withPriorities(queues, filledTasks),
    types: filledTypes,
    tasks: filledTasks,
    schedules,
  };
  return { model: { sourceName, schemaSha256: schemaHash(normalised), ...normalised }, issues: [] };
}

type Report = (path: DocumentPath, message: string, hint?: string, atKey?: boolean) => void;

/** A queue has priority levels when one of its tasks declares a `priority`. */
function withPriorities(queues: readonly QueueModel[], tasks: readonly TaskModel[]): QueueModel[] {
  return queues.map((queue) =>
    tasks.some((task) => task.queue === queue.name && task.priority !== undefined)
      ? { ...queue, priorities: true }
      : queue,
  );
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** A mapping section (absent → empty); reports a section that is not a mapping. */
function section(parent: Record<string, unknown>, key: string, report: Report): Record<string, unknown> {
  const value = parent[key];
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) {
    report([key], `${key} must be a mapping`);
    return {};
  }
  return value;
}

function checkKeys(
  value: Record<string, unknown>,
  path: DocumentPath,
  allowed: readonly string[],
  where: string,
  report: Report,
): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      report(
        [...path, key],
        `unknown key "${key}" in ${where}${didYouMean(key, allowed)}`,
        `allowed keys: ${allowed.join(", ")}`,
        true,
      );
    }
  }
}

function readQueues(document: Record<string, unknown>, report: Report): QueueModel[] {
  const raw = section(document, "queues", report);
  const names = Object.keys(raw).sort();
  if (names.length === 0) {
    const defaults = isPlainObject(document.defaults) ? document.defaults : {};
    const name = typeof defaults.queue === "string" ? defaults.queue : DEFAULT_QUEUE_NAME;
    if (!NAME_PATTERN.test(name)) return [];
    return [
      {
        name,
        pascal: toPascalCase(name),
        stream: name,
        group: DEFAULT_GROUP,
        dlq: `${name}${DEFAULT_DLQ_SUFFIX}`,
      },
    ];
  }
  const queues: QueueModel[] = [];
  const pascals = new Map<string, string>();
  for (const name of names) {
    const path = ["queues", name];
    if (!NAME_PATTERN.test(name)) {
      report(
        path,
        `bad queue name "${name}"`,
        "queue names match [a-z][a-z0-9_.-]* (default, critical)",
        true,
      );
      continue;
    }
    const pascal = toPascalCase(name);
    const clash = pascals.get(pascal);
    if (clash !== undefined) {
      report(
        path,
        `queue "${name}" maps to the identifier ${pascal}QueueHandlers, which queue "${clash}" already uses`,
        "rename one of them",
        true,
      );
      continue;
    }
    pascals.set(pascal, name);
    const value = raw[name] ?? {};
    if (!isPlainObject(value)) {
      report(path, `queue "${name}" must be a mapping`, "write it like { stream: tasks, group: workers }");
      continue;
    }
    checkKeys(value, path, QUEUE_KEYS, `queue "${name}"`, report);
    const text = (key: string, fallback: string): string => {
      const field = value[key];
      if (field === undefined) return fallback;
      if (typeof field !== "string" || field === "") {
        report([...path, key], `${key} must be non-empty text`);
        return fallback;
      }
      return field;
    };
    const stream = text("stream", name);
    const queue: QueueModel = {
      name,
      pascal,
      stream,
      group: text("group", DEFAULT_GROUP),
      dlq: text("dlq", `${stream}${DEFAULT_DLQ_SUFFIX}`),
      ...optional("maxLen", readWholeNumber(value, "maxLen", path, 1, report)),
      ...optional("partitions", readPartitions(value, path, report)),
    };
    queues.push(queue);
  }
  return queues;
}

function readQueueRef(
  owner: Record<string, unknown>,
  path: DocumentPath,
  queueNames: readonly string[],
  fallback: string,
  report: Report,
): string {
  const value = owner.queue;
  if (value === undefined) {
    if (!queueNames.includes(fallback) && queueNames.length > 0 && path[0] === "tasks") {
      report(
        [...path],
        `the task goes to queue "${fallback}", which is not declared`,
        `declare it under queues, or set queue: (one of ${queueNames.join(", ")})`,
        true,
      );
    }
    return fallback;
  }
  if (typeof value !== "string" || !queueNames.includes(value)) {
    report(
      [...path, "queue"],
      `unknown queue ${JSON.stringify(value)}${typeof value === "string" ? didYouMean(value, queueNames) : ""}`,
      `declared queues: ${queueNames.join(", ") || "(none)"}`,
    );
    return fallback;
  }
  return value;
}

interface Policy {
  maxRetries?: number;
  timeoutMs?: number;
  backoff: BackoffModel;
  maxPayloadBytes?: number;
  maxDepth?: number;
}

/** The retry, timeout, backoff and limit settings of `defaults` or of a task. */
function readPolicy(owner: Record<string, unknown>, path: DocumentPath, report: Report): Policy {
  const policy: Policy = { backoff: {} };
  const maxRetries = readWholeNumber(owner, "maxRetries", path, 0, report);
  if (maxRetries !== undefined) policy.maxRetries = maxRetries;
  const timeoutMs = readDuration(owner, "timeout", path, report);
  if (timeoutMs !== undefined) policy.timeoutMs = timeoutMs;
  const maxDepth = readWholeNumber(owner, "maxDepth", path, 1, report);
  if (maxDepth !== undefined) policy.maxDepth = maxDepth;
  if (owner.maxPayloadSize !== undefined) {
    const bytes = parseSize(owner.maxPayloadSize);
    if (bytes === undefined) {
      report(
        [...path, "maxPayloadSize"],
        `bad size ${JSON.stringify(owner.maxPayloadSize)}`,
        "write a size like 512b, 256kb or 1mb (1kb = 1024 bytes)",
      );
    } else {
      policy.maxPayloadBytes = bytes;
    }
  }
  if (owner.backoff !== undefined) {
    const backoffPath = [...path, "backoff"];
    const raw = owner.backoff;
    if (!isPlainObject(raw)) {
      report(
        backoffPath,
        "backoff must be a mapping",
        "write it like { strategy: exponential, base: 1s, max: 5m, jitter: full }",
      );
    } else {
      checkKeys(raw, backoffPath, BACKOFF_KEYS, "backoff", report);
      const strategy = readChoice(raw, "strategy", BACKOFF_STRATEGIES, backoffPath, report);
      const jitter = readChoice(raw, "jitter", BACKOFF_JITTERS, backoffPath, report);
      const baseMs = readDuration(raw, "base", backoffPath, report);
      const maxMs = readDuration(raw, "max", backoffPath, report);
      if (baseMs !== undefined && maxMs !== undefined && baseMs > maxMs) {
        report(
          [...backoffPath, "base"],
          `backoff base (${String(raw.base)}) is longer than max (${String(raw.max)})`,
          "make base at most max",
        );
      }
      policy.backoff = {
        ...optional("strategy", strategy),
        ...optional("baseMs", baseMs),
        ...optional("maxMs", maxMs),
        ...optional("jitter", jitter),
      };
    }
  }
  return policy;
}

function readChoice<T extends string>(
  owner: Record<string, unknown>,
  key: string,
  choices: readonly T[],
  path: DocumentPath,
  report: Report,
): T | undefined {
  const value = owner[key];
  if (value === undefined) return undefined;
  if (typeof value === "string" && (choices as readonly string[]).includes(value)) return value as T;
  report(
    [...path, key],
    `bad ${key} ${JSON.stringify(value)}${typeof value === "string" ? didYouMean(value, choices) : ""}`,
    `${key} is one of ${choices.join(", ")}`,
  );
  return undefined;
}

function readWholeNumber(
  owner: Record<string, unknown>,
  key: string,
  path: DocumentPath,
  min: number,
  report: Report,
): number | undefined {
  const value = owner[key];
  if (value === undefined) return undefined;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= min) return value;
  report([...path, key], `${key} must be a whole number ≥ ${min}, got ${JSON.stringify(value)}`);
  return undefined;
}

function readDuration(
  owner: Record<string, unknown>,
  key: string,
  path: DocumentPath,
  report: Report,
): number | undefined {
  const value = owner[key];
  if (value === undefined) return undefined;
  const ms = typeof value === "string" ? parseDurationText(value) : undefined;
  if (ms === undefined || ms <= 0) {
    report(
      [...path, key],
      `bad duration ${JSON.stringify(value)} for ${key}`,
      "write a positive duration like 250ms, 30s, 5m or 1h30m",
    );
    return undefined;
  }
  return ms;
}

/** Orders shared types so that each comes after the types it references; reports reference cycles. */
function orderTypes(
  types: readonly { name: string; schema: JsonSchema; refs: { name: string; path: DocumentPath }[] }[],
  report: Report,
): SharedTypeModel[] {
  const byName = new Map(types.map((type) => [type.name, type]));
  const ordered: SharedTypeModel[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string): void => {
    const type = byName.get(name);
    if (type === undefined || state.get(name) === "done") return;
    state.set(name, "visiting");
    for (const ref of type.refs) {
      if (state.get(ref.name) === "visiting") {
        report(
          ref.path,
          `recursive $ref: type "${name}" refers back to "${ref.name}"`,
          "recursive types are not supported; flatten the type or bound the nesting",
        );
      } else {
        visit(ref.name);
      }
    }
    state.set(name, "done");
    ordered.push({ name: type.name, schema: type.schema });
  };
  for (const type of types) visit(type.name);
  return ordered;
}

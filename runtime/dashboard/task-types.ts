/**
 * The task types page's static half: per task of the registry, its payload schema, policy and
 * version. The schema is the generated `schema.json` when the dashboard is given it (the JSON
 * Schema as written, with formats, descriptions and `x-sensitive`); otherwise it is derived from
 * the task's zod validator, which cannot show formats or integer checks.
 */
import { z } from "zod";
import type { BackoffPolicy, TaskDefinition, TaskRegistry } from "../types.js";

/** The generated `schema.json`: every payload schema keyed by wire name, shared types under `$defs`. */
export interface PayloadSchemaBundle {
  readonly $defs?: Readonly<Record<string, unknown>> | undefined;
  readonly tasks: Readonly<Record<string, unknown>>;
}

/** One task type as the dashboard shows it. */
export interface TaskTypeView {
  readonly name: string;
  readonly description: string | undefined;
  readonly queue: string;
  /** The payload version producers write. */
  readonly version: number;
  /** Every payload version workers read (earlier ones are upcast). */
  readonly versionsRead: readonly number[];
  readonly schemaHash: string | undefined;
  readonly policy: {
    readonly maxRetries: number | undefined;
    readonly timeoutMs: number | undefined;
    readonly backoff: BackoffPolicy | undefined;
    readonly maxPayloadBytes: number | undefined;
    readonly maxDepth: number | undefined;
  };
  readonly sensitivePaths: readonly (readonly string[])[];
  /** The payload's JSON Schema, with the `$defs` it refers to. */
  readonly schema: unknown;
  /** Where `schema` comes from: the generated schema.json, or the zod validator. */
  readonly schemaSource: "schema.json" | "validator";
}

/** Every task of the registry, by name. */
export function taskTypeViews(
  registry: TaskRegistry,
  bundle: PayloadSchemaBundle | undefined,
): TaskTypeView[] {
  return Object.values(registry.tasks)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((task) => {
      const written = bundle !== undefined && Object.hasOwn(bundle.tasks, task.name);
      return {
        name: task.name,
        description: task.description,
        queue: task.queue,
        version: task.version ?? 1,
        versionsRead: versionsReadBy(task),
        schemaHash: task.schemaHash,
        policy: {
          maxRetries: task.maxRetries,
          timeoutMs: task.timeoutMs,
          backoff: task.backoff,
          maxPayloadBytes: task.maxPayloadBytes,
          maxDepth: task.maxDepth,
        },
        sensitivePaths: task.sensitivePaths ?? [],
        schema: written ? withDefinitions(bundle.tasks[task.name], bundle.$defs) : derivedSchema(task),
        schemaSource: written ? "schema.json" : "validator",
      };
    });
}

function versionsReadBy(task: TaskDefinition): number[] {
  const earlier = Object.keys(task.previousVersions ?? {}).map(Number);
  return [...earlier, task.version ?? 1].sort((a, b) => a - b);
}

function derivedSchema(task: TaskDefinition): unknown {
  try {
    return z.toJSONSchema(task.validator, { unrepresentable: "any", io: "input" });
  } catch (error) {
    return { $comment: `no JSON Schema could be derived from the validator: ${String(error)}` };
  }
}

/** The task's schema with the `$defs` it refers to (directly or through other definitions). */
function withDefinitions(schema: unknown, defs: Readonly<Record<string, unknown>> | undefined): unknown {
  if (defs === undefined || typeof schema !== "object" || schema === null) return schema;
  const used = new Map<string, unknown>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== "object" || value === null) return;
    for (const [key, inner] of Object.entries(value)) {
      const name =
        key === "$ref" && typeof inner === "string" ? /^#\/\$defs\/(.+)$/.exec(inner)?.[1] : undefined;
      if (name !== undefined && !used.has(name) && Object.hasOwn(defs, name)) {
        used.set(name, defs[name]);
        visit(defs[name]);
      } else visit(inner);
    }
  };
  visit(schema);
  return used.size === 0 ? schema : { ...schema, $defs: Object.fromEntries(used) };
}

/**
 * A task's limits on how its tasks start, across all workers: `rateLimit: { limit, per, key? }` and
 * `concurrency: N`. Checked here, enforced by the worker (runtime/policy/).
 */
import { parseDurationText } from "@jobgen/runtime/contract";
import type { DocumentPath, SchemaIssue } from "../load/issue.js";
import { isPlainObject, REF_PATTERN, type JsonSchema } from "./json-schema.js";
import type { RateLimitModel } from "./model.js";
import { didYouMean } from "./suggest.js";

const RATE_LIMIT_KEYS = ["limit", "per", "key"];

/** Types a bucket key may have: its value names the bucket. */
const KEY_TYPES = new Set(["string", "integer", "number", "boolean"]);

export interface TaskLimits {
  readonly rateLimit?: RateLimitModel;
  readonly concurrency?: number;
}

/** Reads `rateLimit` and `concurrency` of the task at `path`; reports bad values at their place. */
export function readTaskLimits(
  task: Record<string, unknown>,
  path: DocumentPath,
  types: ReadonlyMap<string, JsonSchema>,
  issues: SchemaIssue[],
): TaskLimits {
  const limits: { rateLimit?: RateLimitModel; concurrency?: number } = {};
  if (task.concurrency !== undefined) {
    const value = task.concurrency;
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= 1) limits.concurrency = value;
    else
      issues.push({
        path: [...path, "concurrency"],
        message: `concurrency must be a whole number ≥ 1, got ${JSON.stringify(value)}`,
        hint: "write the most tasks of this type that may run at once across all workers, such as concurrency: 5",
      });
  }
  if (task.rateLimit !== undefined) {
    const rateLimit = readRateLimit(task.rateLimit, [...path, "rateLimit"], task.payload, types, issues);
    if (rateLimit !== undefined) limits.rateLimit = rateLimit;
  }
  return limits;
}

function readRateLimit(
  raw: unknown,
  path: DocumentPath,
  payload: unknown,
  types: ReadonlyMap<string, JsonSchema>,
  issues: SchemaIssue[],
): RateLimitModel | undefined {
  const before = issues.length;
  if (!isPlainObject(raw)) {
    issues.push({
      path,
      message: "rateLimit must be a mapping",
      hint: "write it like { limit: 10, per: 1s } or { limit: 100, per: 1m, key: tenantId }",
    });
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (!RATE_LIMIT_KEYS.includes(key))
      issues.push({
        path: [...path, key],
        atKey: true,
        message: `unknown key "${key}" in rateLimit${didYouMean(key, RATE_LIMIT_KEYS)}`,
        hint: `allowed keys: ${RATE_LIMIT_KEYS.join(", ")}`,
      });
  }
  const limit = raw.limit;
  if (!(typeof limit === "number" && Number.isSafeInteger(limit) && limit >= 1))
    issues.push({
      path: limit === undefined ? path : [...path, "limit"],
      message:
        limit === undefined
          ? "rateLimit has no limit"
          : `limit must be a whole number ≥ 1, got ${JSON.stringify(limit)}`,
      hint: "write how many tasks may start per `per`, such as limit: 10",
    });
  const perMs = typeof raw.per === "string" ? parseDurationText(raw.per) : undefined;
  if (perMs === undefined || perMs <= 0)
    issues.push({
      path: raw.per === undefined ? path : [...path, "per"],
      message:
        raw.per === undefined ? "rateLimit has no per" : `bad duration ${JSON.stringify(raw.per)} for per`,
      hint: "write a positive duration like 1s, 1m or 1h",
    });
  let key: string[] | undefined;
  if (raw.key !== undefined) {
    key = typeof raw.key === "string" && raw.key !== "" ? raw.key.split(".") : undefined;
    const problem = key === undefined ? "key must be a payload field path" : keyProblem(payload, key, types);
    if (problem !== undefined)
      issues.push({
        path: [...path, "key"],
        message: `bad rateLimit key ${JSON.stringify(raw.key)}: ${problem}`,
        hint: "name a string, integer, number or boolean field of the payload, dotted through objects (tenantId, account.id)",
      });
  }
  if (issues.length > before || typeof limit !== "number" || perMs === undefined) return undefined;
  return { limit, perMs, ...(key === undefined ? {} : { key }) };
}

/** Why `path` does not lead to a scalar property of `payload`; `undefined` when it does. */
function keyProblem(
  payload: unknown,
  path: readonly string[],
  types: ReadonlyMap<string, JsonSchema>,
): string | undefined {
  let node = resolve(payload, types);
  for (let i = 0; i < path.length; i++) {
    const name = path[i] ?? "";
    const properties = node?.properties ?? {};
    const known = Object.keys(properties);
    if (!Object.hasOwn(properties, name)) {
      const where = i === 0 ? "the payload" : `"${path.slice(0, i).join(".")}"`;
      return `${where} has no property "${name}"${didYouMean(name, known)}`;
    }
    node = resolve(properties[name], types);
  }
  const typeList = node?.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
  const scalar =
    typeList.some((type: string) => KEY_TYPES.has(type)) ||
    node?.enum !== undefined ||
    node?.const !== undefined;
  return scalar ? undefined : `"${path.join(".")}" is not a string, integer, number or boolean`;
}

function resolve(schema: unknown, types: ReadonlyMap<string, JsonSchema>): JsonSchema | undefined {
  let node = isPlainObject(schema) ? (schema as JsonSchema) : undefined;
  for (let hops = 0; node?.$ref !== undefined && hops < 32; hops++) {
    const name = REF_PATTERN.exec(node.$ref)?.[1];
    node = name === undefined ? undefined : types.get(name);
  }
  return node;
}

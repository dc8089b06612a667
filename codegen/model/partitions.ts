/**
 * The schema's partition settings: `partitions: N` on a queue (its tasks spread over N streams on
 * different Redis Cluster slots) and `partitionKey: a.b` on a task (the payload field whose value
 * picks the partition, so that tasks of one value keep their order). The runtime side is
 * runtime/redis/partitions.ts and runtime/producer/partition-choice.ts.
 */
import type { DocumentPath } from "../load/issue.js";
import { REF_PATTERN, type JsonSchema } from "./json-schema.js";

/** Most partitions a queue may have: more streams than masters buy nothing but reads. */
export const MAX_PARTITIONS = 256;

type Report = (path: DocumentPath, message: string, hint?: string, atKey?: boolean) => void;

/** `partitions` of a queue: a whole number from 1 to MAX_PARTITIONS; absent → undefined (1). */
export function readPartitions(
  queue: Record<string, unknown>,
  path: DocumentPath,
  report: Report,
): number | undefined {
  const value = queue.partitions;
  if (value === undefined) return undefined;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 1 && value <= MAX_PARTITIONS) {
    return value;
  }
  report(
    [...path, "partitions"],
    `partitions must be a whole number from 1 to ${MAX_PARTITIONS}, got ${JSON.stringify(value)}`,
    "write the number of streams to spread the queue over, e.g. partitions: 3 for 3 Cluster masters",
  );
  return undefined;
}

/**
 * `partitionKey` of a task: a dotted path (`customer.id`) or a list of property names, each a
 * property the payload requires, ending at a string or integer field (the value is hashed as
 * text; a field that could be absent or of another type would leave the partition undecided).
 */
export function readPartitionKey(
  task: Record<string, unknown>,
  path: DocumentPath,
  payload: JsonSchema,
  types: ReadonlyMap<string, JsonSchema>,
  report: Report,
): string[] | undefined {
  const value = task.partitionKey;
  if (value === undefined) return undefined;
  const at = [...path, "partitionKey"];
  const names =
    typeof value === "string"
      ? value.split(".")
      : Array.isArray(value) && value.every((v) => typeof v === "string")
        ? (value as string[])
        : undefined;
  if (names === undefined || names.length === 0 || names.some((n) => n === "")) {
    report(
      at,
      `partitionKey must be a payload field path, got ${JSON.stringify(value)}`,
      "write it like partitionKey: customerId or partitionKey: customer.id",
    );
    return undefined;
  }
  let node: JsonSchema | undefined = payload;
  for (const [i, name] of names.entries()) {
    node = resolved(node, types);
    const walked = names.slice(0, i + 1).join(".");
    const child: JsonSchema | undefined = node?.properties?.[name];
    if (child === undefined || !Object.hasOwn(node?.properties ?? {}, name)) {
      const known = Object.keys(node?.properties ?? {});
      report(
        at,
        `partitionKey "${names.join(".")}": the payload declares no property "${walked}"`,
        known.length > 0 ? `properties there: ${known.join(", ")}` : "declare it under properties",
      );
      return undefined;
    }
    if (!(node?.required ?? []).includes(name)) {
      report(
        at,
        `partitionKey "${names.join(".")}": property "${walked}" is not required`,
        `add "${name}" to required, so every task has a partition key`,
      );
      return undefined;
    }
    node = child;
  }
  const leaf = resolved(node, types);
  if (leaf?.type !== "string" && leaf?.type !== "integer") {
    report(
      at,
      `partitionKey "${names.join(".")}" must name a string or integer field, got ${JSON.stringify(leaf?.type ?? "(any type)")}`,
      "point it at an id: a field of type: string or type: integer",
    );
    return undefined;
  }
  return names;
}

/** `node` with a `$ref` to a shared type followed (one level at a time, as far as it goes). */
function resolved(
  node: JsonSchema | undefined,
  types: ReadonlyMap<string, JsonSchema>,
): JsonSchema | undefined {
  let current = node;
  for (let hops = 0; current?.$ref !== undefined && hops <= types.size; hops++) {
    const name = REF_PATTERN.exec(current.$ref)?.[1];
    current = name === undefined ? undefined : types.get(name);
  }
  return current;
}

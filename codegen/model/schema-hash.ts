/**
 * The schema hash printed in generated headers: sha256 over the normalised schema (queues, shared
 * types and tasks as the emitters read them), as JSON with sorted keys. Comments, formatting, key
 * order and spelled-out defaults do not change it; anything that can change the output does.
 */
import { createHash } from "node:crypto";
import type { SchemaModel } from "./model.js";

export function schemaHash(model: Pick<SchemaModel, "queues" | "types" | "tasks">): string {
  const normalised = { queues: model.queues, types: model.types, tasks: model.tasks };
  return createHash("sha256").update(canonicalJson(normalised)).digest("hex");
}

/** JSON with the keys of every object sorted, so equal data always gives equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, child]) => child !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonicalJson(child)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

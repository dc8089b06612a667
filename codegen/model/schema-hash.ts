/**
 * The schema hash printed in generated headers: sha256 over the normalised schema (queues, shared
 * types and tasks as the emitters read them), as JSON. Comments, formatting, YAML or JSON syntax
 * and spelled-out defaults do not change it; anything that reaches the output does (the key order
 * of a payload schema too: schema.json keeps it).
 */
import { createHash } from "node:crypto";
import type { SchemaModel } from "./model.js";

export function schemaHash(model: Pick<SchemaModel, "queues" | "types" | "tasks">): string {
  const normalised = { queues: model.queues, types: model.types, tasks: model.tasks };
  return createHash("sha256").update(JSON.stringify(normalised)).digest("hex");
}

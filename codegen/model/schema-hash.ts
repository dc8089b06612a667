/**
 * The schema hash printed in generated headers: sha256 over the normalised schema (queues, shared
 * types, tasks and schedules as the emitters read them), as JSON. Comments, formatting, YAML or JSON syntax
 * and spelled-out defaults do not change it; anything that reaches the output does (the key order
 * of a payload schema too: schema.json keeps it).
 */
import { createHash } from "node:crypto";
import type { SchemaModel } from "./model.js";

export function schemaHash(model: Pick<SchemaModel, "queues" | "types" | "tasks" | "schedules">): string {
  // Schedules only when there are some, so the hash of a schema without them stays as it was.
  const schedules = model.schedules.length === 0 ? {} : { schedules: model.schedules };
  const normalised = { queues: model.queues, types: model.types, tasks: model.tasks, ...schedules };
  return createHash("sha256").update(JSON.stringify(normalised)).digest("hex");
}

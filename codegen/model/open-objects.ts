/**
 * Objects left open: a payload object without `additionalProperties` accepts any extra property,
 * so a misspelled optional property (`replyto` for `replyTo`) compiles in the producer and passes
 * the worker. `jobgen validate` warns about each (an error with `--strict`); writing
 * `additionalProperties: true` keeps an object open on purpose and silences it.
 */
import type { DocumentPath, SchemaIssue } from "../load/issue.js";
import type { JsonSchema } from "./json-schema.js";
import type { SchemaModel } from "./model.js";
import { eachSchema } from "./schema-walk.js";

/** A warning per object schema of the payloads, kept versions and shared types that leaves extra properties open. */
export function openObjectWarnings(model: SchemaModel): SchemaIssue[] {
  const roots: { schema: JsonSchema; path: DocumentPath; owner: string }[] = [
    ...model.types.map((type) => ({
      schema: type.schema,
      path: ["types", type.name],
      owner: `type ${type.name}`,
    })),
    ...model.tasks.flatMap((task) => [
      {
        schema: task.payload,
        path: ["tasks", task.wireName, "payload"],
        owner: `"${task.wireName}" payload`,
      },
      ...task.previous.map((kept) => ({
        schema: kept.payload,
        path: ["tasks", task.wireName, "previous", String(kept.version)],
        owner: `"${task.wireName}" payload version ${kept.version}`,
      })),
    ]),
  ];
  const warnings: SchemaIssue[] = [];
  for (const root of roots) {
    for (const { node, path } of eachSchema(root.schema, root.path)) {
      if (!isObjectSchema(node) || node.additionalProperties !== undefined) continue;
      warnings.push({
        path,
        message: `${root.owner}${fieldOf(path.slice(root.path.length))} is an open object: without additionalProperties, a misspelled property compiles and is accepted`,
        hint: "add additionalProperties: false (or true, to keep it open on purpose)",
      });
    }
  }
  return warnings;
}

function isObjectSchema(node: JsonSchema): boolean {
  const types = node.type === undefined ? [] : typeof node.type === "string" ? [node.type] : node.type;
  return types.includes("object") || (node.type === undefined && node.properties !== undefined);
}

/** `.address.lines[]` from `properties, address, properties, lines, items`. */
function fieldOf(path: DocumentPath): string {
  let field = "";
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    if (segment === "properties") field += `.${String(path[++i])}`;
    else if (segment === "items") field += "[]";
    else if (segment === "additionalProperties") field += ".*";
    else field += ` (${String(segment)} ${Number(path[++i]) + 1})`;
  }
  return field;
}

/** Rebuilding a checked JSON Schema node by node: the one list of where subschemas sit. */
import type { JsonSchema } from "./json-schema.js";

type Path = readonly (string | number)[];

/**
 * Applies `visit` to every node, deepest first: each node is visited with its subschemas already
 * rebuilt (`properties`, `items`, a schema `additionalProperties`, `oneOf`/`anyOf`/`allOf` branches),
 * and with its document path (below `path`).
 */
export function mapSchema(
  schema: JsonSchema,
  visit: (node: JsonSchema, path: Path) => JsonSchema,
  path: Path = [],
): JsonSchema {
  const copy: Record<string, unknown> = { ...schema };
  if (schema.properties !== undefined) {
    copy.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([name, child]) => [
        name,
        mapSchema(child, visit, [...path, "properties", name]),
      ]),
    );
  }
  if (schema.items !== undefined) copy.items = mapSchema(schema.items, visit, [...path, "items"]);
  if (typeof schema.additionalProperties === "object") {
    copy.additionalProperties = mapSchema(schema.additionalProperties, visit, [
      ...path,
      "additionalProperties",
    ]);
  }
  for (const key of ["oneOf", "anyOf", "allOf"] as const) {
    const branches = schema[key];
    if (branches !== undefined)
      copy[key] = branches.map((branch, index) => mapSchema(branch, visit, [...path, key, index]));
  }
  return visit(copy as JsonSchema, path);
}

/** Every node of a schema with its document path, parents before children. */
export function* eachSchema(schema: JsonSchema, path: Path): Generator<{ node: JsonSchema; path: Path }> {
  yield { node: schema, path };
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    yield* eachSchema(child, [...path, "properties", name]);
  }
  if (schema.items !== undefined) yield* eachSchema(schema.items, [...path, "items"]);
  if (typeof schema.additionalProperties === "object") {
    yield* eachSchema(schema.additionalProperties, [...path, "additionalProperties"]);
  }
  for (const key of ["oneOf", "anyOf", "allOf"] as const) {
    for (const [index, branch] of (schema[key] ?? []).entries())
      yield* eachSchema(branch, [...path, key, index]);
  }
}

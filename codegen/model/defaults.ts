/**
 * Schema defaults. A property with a `default` is optional for producers (the input form of the
 * schema) and always present for handlers (the output form): the producer fills it in before the
 * task is stored, and the worker fills it in before the handler runs. A default must itself be
 * valid against its property's schema.
 */
import type { DocumentPath, SchemaIssue } from "../load/issue.js";
import { REF_PATTERN, type JsonSchema } from "./json-schema.js";
import { zodValidators } from "../emit/zod/evaluate.js";
import { eachSchema, mapSchema } from "./schema-walk.js";

/** Whether a schema has a property with a default, itself or through the shared types it references. */
export function hasDefaults(
  schema: JsonSchema,
  types: ReadonlyMap<string, JsonSchema>,
  seen = new Set<string>(),
): boolean {
  for (const { node } of eachSchema(schema, [])) {
    if (Object.values(node.properties ?? {}).some((property) => property.default !== undefined)) return true;
    const name = node.$ref === undefined ? undefined : REF_PATTERN.exec(node.$ref)?.[1];
    const target = name === undefined ? undefined : types.get(name);
    if (name !== undefined && target !== undefined && !seen.has(name)) {
      seen.add(name);
      if (hasDefaults(target, types, seen)) return true;
    }
  }
  return false;
}

/** The form handlers see: every defaulted property is required (it is always filled in). */
export function outputForm(schema: JsonSchema): JsonSchema {
  return mapSchema(schema, (node) => {
    const defaulted = defaultedNames(node);
    if (defaulted.length === 0) return node;
    return {
      ...node,
      required: [...(node.required ?? []), ...defaulted.filter((name) => !node.required?.includes(name))],
    };
  });
}

/** The form producers write: a defaulted property is never required (it is filled in if missing). */
export function inputForm(schema: JsonSchema): JsonSchema {
  return mapSchema(schema, (node) => {
    const defaulted = defaultedNames(node);
    const kept = node.required?.filter((name) => !defaulted.includes(name));
    if (kept === undefined || kept.length === node.required?.length) return node;
    // Rebuilt key by key, so the bundle keeps the order the schema was written in.
    return Object.fromEntries(
      Object.entries(node).flatMap(([key, value]) =>
        key !== "required" ? [[key, value]] : kept.length === 0 ? [] : [[key, kept]],
      ),
    ) as JsonSchema;
  });
}

function defaultedNames(node: JsonSchema): string[] {
  return Object.entries(node.properties ?? {})
    .filter(([, property]) => property.default !== undefined)
    .map(([name]) => name);
}

/**
 * Checks every default against its own property schema, and fills in the defaults nested inside it
 * (`window: { default: {} }` whose type defaults `from` becomes `{ from: "09:00" }`), so a default
 * handed out is as complete as a payload the validator filled. Returns the schema with the filled
 * defaults, and an issue for every default its schema refuses.
 */
export function fillDefaults(
  schema: JsonSchema,
  path: DocumentPath,
  types: ReadonlyMap<string, JsonSchema>,
): { readonly schema: JsonSchema; readonly issues: readonly SchemaIssue[] } {
  const issues: SchemaIssue[] = [];
  const validatorOf = zodValidators(types);
  const filled = mapSchema(
    schema,
    (node, where) => {
      if (node.default === undefined) return node;
      const { default: value, ...rest } = node;
      const result = validatorOf(rest).safeParse(value);
      if (result.success) return { ...node, default: result.data };
      const problems = result.error.issues
        .map(
          (issue) =>
            `${issue.path.length === 0 ? "" : `${issue.path.map(String).join(".")}: `}${issue.message}`,
        )
        .join("; ");
      issues.push({
        path: [...where, "default"],
        message: `default ${JSON.stringify(value)} does not match its own schema: ${problems}`,
        hint: "change the default, or the schema, so that the default is a valid value",
      });
      return node;
    },
    path,
  );
  return { schema: filled, issues };
}

import { REF_PATTERN, type JsonSchema, type JsonType, type JsonValue } from "../model/json-schema.js";
import type { SchemaModel } from "../model/model.js";
import { hasDefaults, inputForm, outputForm } from "../model/defaults.js";
import {
  INPUT_MAP_TYPE,
  inputTypeName,
  PAYLOAD_MAP_TYPE,
  payloadTypeName,
  sharedInputName,
  versionTypeName,
} from "../model/naming.js";
import { producerTypeName } from "./enqueue.js";
import { interfaceDeclaration, member, printFile, typeAlias } from "./declarations.js";
import type { GeneratedFile } from "./file.js";
import { assignedType, concat, group, isTypeList, typeList, typeMembers, type Doc } from "./layout.js";
import { commentText, literal } from "./literal.js";

/** The type name a `$ref` to a shared type becomes. */
type RefNames = (typeName: string) => string;

/**
 * payloads.ts: the TypeScript type of every payload and shared type, and {@link PAYLOAD_MAP_TYPE},
 * the payload of every task by wire name. An object schema becomes an interface, anything else a
 * type alias; descriptions become doc comments. Objects that allow extra keys carry an index
 * signature, as JSON Schema keeps those keys. `XxxPayload` is what a handler receives (a property
 * with a default is always there); when payloads have defaults, `XxxInput` is what a producer
 * passes (those properties optional), with {@link INPUT_MAP_TYPE} and `<Type>Input` for shared types.
 */
export function emitPayloads(model: SchemaModel, header: string): GeneratedFile {
  const types = new Map(model.types.map((type) => [type.name, type.schema]));
  const asIs: RefNames = (name) => name;
  const defaulted = new Set(
    model.types.filter((type) => hasDefaults(type.schema, types)).map((type) => type.name),
  );
  const inputs: RefNames = (name) => (defaulted.has(name) ? sharedInputName(name) : name);
  const withDefaults = model.tasks.filter((task) => hasDefaults(task.payload, types));
  return printFile("payloads.ts", header, [
    interfaceDeclaration({
      doc: "The payload of every task, by wire name.",
      exported: true,
      name: PAYLOAD_MAP_TYPE,
      members: model.tasks.map((task) => `${propertyKey(task.wireName)}: ${payloadTypeName(task.pascal)}`),
    }),
    ...model.types.map((type) =>
      namedType(type.name, outputForm(type.schema), type.schema.description, asIs),
    ),
    ...model.tasks.flatMap((task) => [
      namedType(
        payloadTypeName(task.pascal),
        outputForm(task.payload),
        task.payload.description ?? task.description,
        asIs,
      ),
      ...task.previous.map((kept) =>
        namedType(
          versionTypeName(task.pascal, kept.version),
          outputForm(kept.payload),
          `A payload of \`${task.wireName}\` at its earlier version ${kept.version}.`,
          asIs,
        ),
      ),
    ]),
    ...(withDefaults.length === 0
      ? []
      : [
          interfaceDeclaration({
            doc: "What a producer passes for every task, by wire name: properties with a default may be left out.",
            exported: true,
            name: INPUT_MAP_TYPE,
            members: model.tasks.map(
              (task) => `${propertyKey(task.wireName)}: ${producerTypeName(task, types)}`,
            ),
          }),
          ...model.types
            .filter((type) => defaulted.has(type.name))
            .map((type) =>
              namedType(sharedInputName(type.name), inputForm(type.schema), type.schema.description, inputs),
            ),
          ...withDefaults.map((task) =>
            namedType(
              inputTypeName(task.pascal),
              inputForm(task.payload),
              task.payload.description ?? task.description,
              inputs,
            ),
          ),
        ]),
  ]);
}

/** `export interface Name { ... }` for a plain object schema, else `export type Name = ...;`. */
function namedType(name: string, schema: JsonSchema, description: string | undefined, refs: RefNames): Doc {
  const doc = description === undefined ? undefined : commentText(description);
  if (isPlainObjectSchema(schema)) {
    return interfaceDeclaration({ doc, exported: true, name, members: objectMembers(schema, refs) });
  }
  return typeAlias({ doc, exported: true, name, type: typeOf(schema, refs) });
}

function isPlainObjectSchema(schema: JsonSchema): boolean {
  return (
    schema.type === "object" &&
    schema.enum === undefined &&
    schema.const === undefined &&
    schema.$ref === undefined &&
    schema.oneOf === undefined &&
    schema.anyOf === undefined &&
    schema.allOf === undefined
  );
}

/** The type of a schema: every part it has (type, enum/const, $ref, oneOf, anyOf, allOf) holds. */
function typeOf(schema: JsonSchema, refs: RefNames): Doc {
  const parts: Doc[] = [];
  if (schema.enum !== undefined) parts.push(typeList("|", schema.enum.map(valueType)));
  else if (schema.const !== undefined) parts.push(valueType(schema.const));
  else if (schema.type !== undefined) parts.push(typeOfTypes(schema, refs));
  if (schema.$ref !== undefined) parts.push(refs(REF_PATTERN.exec(schema.$ref)?.[1] ?? "unknown"));
  for (const [keyword, operator] of [
    ["oneOf", "|"],
    ["anyOf", "|"],
    ["allOf", "&"],
  ] as const) {
    const branches = schema[keyword];
    if (branches !== undefined)
      parts.push(
        typeList(
          operator,
          branches.map((branch) => typeOf(branch, refs)),
        ),
      );
  }
  return parts.length === 0 ? "unknown" : typeList("&", parts);
}

function typeOfTypes(schema: JsonSchema, refs: RefNames): Doc {
  const types: readonly JsonType[] = typeof schema.type === "string" ? [schema.type] : (schema.type ?? []);
  return typeList(
    "|",
    types.map((type) => typeOfType(type, schema, refs)),
  );
}

function typeOfType(type: JsonType, schema: JsonSchema, refs: RefNames): Doc {
  switch (type) {
    case "string":
      return "string";
    case "number":
    case "integer":
      return "number";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "array":
      return concat(grouped(schema.items === undefined ? "unknown" : typeOf(schema.items, refs)), "[]");
    case "object": {
      const members = objectMembers(schema, refs);
      return members.length === 0 ? "Record<string, never>" : typeMembers(members);
    }
  }
}

/** The members of an object schema: its properties (sorted), then an index signature for extra keys. */
function objectMembers(schema: JsonSchema, refs: RefNames): Doc[] {
  const required = new Set(schema.required ?? []);
  const properties = Object.entries(schema.properties ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const members = properties.map(([name, property]) =>
    member(
      concat(propertyKey(name), required.has(name) ? "" : "?", assignedType(typeOf(property, refs), ":")),
      property.description === undefined ? undefined : commentText(property.description),
    ),
  );
  const extra = schema.additionalProperties;
  if (extra !== false) {
    // Named properties must fit the index signature too, so it admits their types as well.
    const extraType = extra === undefined || extra === true ? "unknown" : typeOf(extra, refs);
    const admitted =
      extraType === "unknown"
        ? [extraType]
        : [extraType, ...properties.map(([, property]) => typeOf(property, refs))];
    members.push(concat("[key: string]", assignedType(typeList("|", dedupe(admitted)), ":")));
  }
  return members;
}

/** The type of exactly one JSON value (an `enum` member or `const`): `"a"`, `{ x: 0 }`, `[1, 2]`. */
function valueType(value: JsonValue): Doc {
  if (Array.isArray(value)) return group("[", value.map(valueType), "]");
  if (value !== null && typeof value === "object") {
    return typeMembers(
      Object.entries(value).map(([key, child]) =>
        concat(propertyKey(key), ": ", valueType(child as JsonValue)),
      ),
    );
  }
  return literal(value);
}

/** A union or intersection in parentheses, as the item type of an array. */
function grouped(type: Doc): Doc {
  return isTypeList(type) ? concat("(", type, ")") : type;
}

function dedupe(types: readonly Doc[]): Doc[] {
  const seen = new Set<string>();
  return types.filter((type) => {
    const key = typeof type === "string" ? type : JSON.stringify(type);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A property name as written in an object type: an identifier as it is, anything else quoted. */
function propertyKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : literal(name);
}

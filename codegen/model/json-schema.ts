/**
 * The JSON Schema subset jobgen honours (draft 2020-12 keywords). Every keyword outside it is an
 * error: the generator never drops a keyword it cannot turn into an equivalent zod validator.
 */
import { FORBIDDEN_KEYS, hasUniqueItems } from "@jobgen/runtime/contract";
import type { DocumentPath, SchemaIssue } from "../load/issue.js";
import { closest, didYouMean } from "./suggest.js";

export type JsonType = "string" | "number" | "integer" | "boolean" | "object" | "array" | "null";
export type JsonPrimitive = string | number | boolean | null;
/** Any JSON value, as `enum` and `const` may hold (compared by JSON equality). */
export type JsonValue = JsonPrimitive | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A payload schema after checking: only the keywords below, with well-formed values. */
export interface JsonSchema {
  readonly type?: JsonType | readonly JsonType[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: StringFormat;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly multipleOf?: number;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly enum?: readonly JsonValue[];
  readonly const?: JsonValue;
  readonly oneOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly $ref?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly examples?: readonly unknown[];
  readonly "x-sensitive"?: boolean;
}

export const JSON_TYPES: readonly JsonType[] = [
  "string",
  "number",
  "integer",
  "boolean",
  "object",
  "array",
  "null",
];
/** Type names of other languages and schema dialects, and the JSON Schema type meant by each. */
const TYPE_ALIASES: Readonly<Record<string, JsonType>> = {
  int: "integer",
  long: "integer",
  float: "number",
  double: "number",
  decimal: "number",
  str: "string",
  text: "string",
  bool: "boolean",
  dict: "object",
  map: "object",
  list: "array",
  none: "null",
};

export const STRING_FORMATS = ["email", "uuid", "date-time", "date", "uri"] as const;
export type StringFormat = (typeof STRING_FORMATS)[number];

const STRING_KEYWORDS = ["minLength", "maxLength", "pattern", "format"];
const NUMBER_KEYWORDS = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"];
const OBJECT_KEYWORDS = ["properties", "required", "additionalProperties"];
const ARRAY_KEYWORDS = ["items", "minItems", "maxItems", "uniqueItems"];
const ANNOTATION_KEYWORDS = ["description", "default", "examples", "x-sensitive"];
const GENERAL_KEYWORDS = ["type", "enum", "const", "oneOf", "anyOf", "allOf", "$ref"];

/** Every keyword jobgen honours, in the order the hint lists them. */
export const SUPPORTED_KEYWORDS: readonly string[] = [
  ...GENERAL_KEYWORDS,
  ...OBJECT_KEYWORDS,
  ...STRING_KEYWORDS,
  ...NUMBER_KEYWORDS,
  ...ARRAY_KEYWORDS,
  ...ANNOTATION_KEYWORDS,
];

/** The keywords that apply to one kind of value only, the types they apply to, and that kind's name. */
export const TYPE_OF_KEYWORDS: readonly (readonly [readonly string[], readonly JsonType[], string])[] = [
  [STRING_KEYWORDS, ["string"], "string"],
  [NUMBER_KEYWORDS, ["number", "integer"], "number"],
  [OBJECT_KEYWORDS, ["object"], "object"],
  [ARRAY_KEYWORDS, ["array"], "array"],
];

/** `$ref` values jobgen resolves: shared types of the same file. */
export const REF_PATTERN = /^#\/types\/([A-Za-z0-9]+)$/;

/** Keywords allowed next to `$ref`. */
const REF_SIBLINGS = new Set(ANNOTATION_KEYWORDS);

/** What checking a schema needs from the rest of the file. */
export interface SchemaCheckContext {
  readonly typeNames: ReadonlySet<string>;
  readonly issues: SchemaIssue[];
  /** Every `$ref` met, with the name it points to and where it is. */
  readonly refs: { name: string; path: DocumentPath }[];
}

/**
 * Checks a JSON Schema against the supported subset; pushes an issue for every problem.
 * @param isProperty the schema of a property (under `properties`), the one place `default` applies
 */
export function checkJsonSchema(
  value: unknown,
  path: DocumentPath,
  context: SchemaCheckContext,
  isProperty = false,
): void {
  const issue = (where: DocumentPath, message: string, hint?: string, atKey = false): void => {
    context.issues.push({
      path: where,
      message,
      ...(hint === undefined ? {} : { hint }),
      ...(atKey ? { atKey } : {}),
    });
  };
  if (!isPlainObject(value)) {
    issue(
      path,
      "a JSON Schema must be a mapping",
      'write it like { type: string } or { $ref: "#/types/Name" }',
    );
    return;
  }
  for (const key of Object.keys(value)) {
    if (!SUPPORTED_KEYWORDS.includes(key)) {
      issue(
        [...path, key],
        `unsupported JSON Schema keyword "${key}"${didYouMean(key, SUPPORTED_KEYWORDS)}`,
        `jobgen honours these keywords: ${SUPPORTED_KEYWORDS.join(", ")}`,
        true,
      );
    }
  }
  const types = checkType(value, path, issue);
  if ("$ref" in value) checkRef(value, path, context, issue);

  for (const [keywords, applicable, word] of TYPE_OF_KEYWORDS) {
    for (const key of keywords) {
      if (!(key in value)) continue;
      if (types === undefined) {
        issue(
          [...path, key],
          `"${key}" applies to ${word}s; add type: ${applicable[0] ?? word} next to it`,
          undefined,
          true,
        );
      } else if (!types.some((type) => applicable.includes(type))) {
        issue(
          [...path, key],
          `"${key}" applies to ${word}s, but this schema's type is ${types.join(" | ")}`,
          undefined,
          true,
        );
      }
    }
  }
  checkNumbers(value, path, issue);
  checkString(value, path, issue);
  checkObject(value, path, context, issue);
  if ("items" in value) {
    if (Array.isArray(value.items)) {
      issue(
        [...path, "items"],
        "tuple form of items (an array of schemas) is not supported",
        "use one schema for every item",
      );
    } else {
      checkJsonSchema(value.items, [...path, "items"], context);
    }
  }
  if ("uniqueItems" in value && typeof value.uniqueItems !== "boolean") {
    issue([...path, "uniqueItems"], "uniqueItems must be true or false");
  }
  checkValues(value, path, types, issue);
  for (const key of ["oneOf", "anyOf", "allOf"] as const) {
    if (!(key in value)) continue;
    const branches = value[key];
    if (!Array.isArray(branches) || branches.length === 0) {
      issue([...path, key], `${key} must be a non-empty list of schemas`);
      continue;
    }
    branches.forEach((branch, index) => checkJsonSchema(branch, [...path, key, index], context));
  }
  if ("description" in value && typeof value.description !== "string") {
    issue([...path, "description"], "description must be text");
  }
  if ("default" in value && !isProperty) {
    issue(
      [...path, "default"],
      "default only applies to a property: it fills the property in when a payload lacks it",
      "move it to the property's own schema (under properties), next to its type or $ref",
      true,
    );
  }
  if ("examples" in value && !Array.isArray(value.examples)) {
    issue([...path, "examples"], "examples must be a list");
  }
  if ("x-sensitive" in value && typeof value["x-sensitive"] !== "boolean") {
    issue([...path, "x-sensitive"], "x-sensitive must be true or false");
  }
}

type Report = (where: DocumentPath, message: string, hint?: string, atKey?: boolean) => void;

function checkType(
  value: Record<string, unknown>,
  path: DocumentPath,
  issue: Report,
): JsonType[] | undefined {
  if (!("type" in value)) return undefined;
  const raw = value.type;
  const list = Array.isArray(raw) ? raw : [raw];
  const valid = list.filter((type): type is JsonType => JSON_TYPES.includes(type as JsonType));
  if (list.length === 0 || valid.length !== list.length || new Set(valid).size !== valid.length) {
    const unknown = list.find((type) => !JSON_TYPES.includes(type as JsonType));
    const meant =
      typeof unknown !== "string"
        ? undefined
        : Object.hasOwn(TYPE_ALIASES, unknown)
          ? TYPE_ALIASES[unknown]
          : closest(unknown, JSON_TYPES);
    issue(
      [...path, "type"],
      `type must be one of ${JSON_TYPES.join(", ")} (or a list of distinct ones), got ${JSON.stringify(raw)}` +
        (meant === undefined ? "" : `; did you mean "${meant}"?`),
      meant === undefined ? 'write type: [string, "null"] for a nullable string' : `write type: ${meant}`,
    );
    return undefined;
  }
  return valid;
}

function checkRef(
  value: Record<string, unknown>,
  path: DocumentPath,
  context: SchemaCheckContext,
  issue: Report,
): void {
  const ref = value.$ref;
  const match = typeof ref === "string" ? REF_PATTERN.exec(ref) : null;
  const known = [...context.typeNames].sort();
  if (match === null) {
    issue(
      [...path, "$ref"],
      `bad $ref ${JSON.stringify(ref)}`,
      `refer to a shared type as "#/types/Name" (known: ${known.join(", ") || "none"})`,
    );
  } else if (!context.typeNames.has(match[1] ?? "")) {
    const name = match[1] ?? "";
    issue(
      [...path, "$ref"],
      `bad $ref ${JSON.stringify(ref)}: there is no type "${name}" under types${didYouMean(name, known)}`,
      `define it under types, or use one of: ${known.join(", ") || "(no types defined)"}`,
    );
  } else {
    context.refs.push({ name: match[1] ?? "", path: [...path, "$ref"] });
  }
  for (const key of Object.keys(value)) {
    if (key !== "$ref" && !REF_SIBLINGS.has(key) && SUPPORTED_KEYWORDS.includes(key)) {
      issue(
        [...path, key],
        `"${key}" next to $ref is not supported`,
        `wrap them: allOf: [{ $ref: ... }, { ${key}: ... }]`,
        true,
      );
    }
  }
}

function checkNumbers(value: Record<string, unknown>, path: DocumentPath, issue: Report): void {
  for (const key of [...NUMBER_KEYWORDS]) {
    if (key in value && (typeof value[key] !== "number" || !Number.isFinite(value[key]))) {
      issue([...path, key], `${key} must be a number`);
    }
  }
  if (typeof value.multipleOf === "number" && !(value.multipleOf > 0)) {
    issue([...path, "multipleOf"], "multipleOf must be greater than 0");
  }
  for (const key of ["minLength", "maxLength", "minItems", "maxItems"]) {
    if (key in value && !(Number.isSafeInteger(value[key]) && (value[key] as number) >= 0)) {
      issue([...path, key], `${key} must be a whole number ≥ 0`);
    }
  }
  for (const [min, max] of [
    ["minLength", "maxLength"],
    ["minItems", "maxItems"],
    ["minimum", "maximum"],
  ] as const) {
    const low = value[min];
    const high = value[max];
    if (typeof low === "number" && typeof high === "number" && low > high) {
      issue([...path, min], `${min} (${low}) is greater than ${max} (${high}); nothing can match`);
    }
  }
}

function checkString(value: Record<string, unknown>, path: DocumentPath, issue: Report): void {
  if ("pattern" in value) {
    if (typeof value.pattern !== "string") {
      issue([...path, "pattern"], "pattern must be text (an ECMAScript regular expression)");
    } else {
      try {
        new RegExp(value.pattern, "u");
      } catch (error) {
        issue([...path, "pattern"], `pattern is not a valid regular expression: ${(error as Error).message}`);
      }
    }
  }
  if ("format" in value && !STRING_FORMATS.includes(value.format as StringFormat)) {
    issue(
      [...path, "format"],
      `unsupported format ${JSON.stringify(value.format)}${typeof value.format === "string" ? didYouMean(value.format, STRING_FORMATS) : ""}`,
      `jobgen validates these formats: ${STRING_FORMATS.join(", ")}; use pattern for others`,
    );
  }
}

function checkObject(
  value: Record<string, unknown>,
  path: DocumentPath,
  context: SchemaCheckContext,
  issue: Report,
): void {
  const properties = value.properties;
  if ("properties" in value) {
    if (!isPlainObject(properties)) {
      issue([...path, "properties"], "properties must be a mapping of property name to schema");
    } else {
      for (const [name, schema] of Object.entries(properties)) {
        if (FORBIDDEN_KEYS.has(name)) {
          issue(
            [...path, "properties", name],
            `a property cannot be named "${name}": workers refuse payloads carrying that key anywhere (it can pollute prototypes)`,
            "rename the property",
            true,
          );
          continue;
        }
        checkJsonSchema(schema, [...path, "properties", name], context, true);
      }
    }
  }
  if ("required" in value) {
    const required = value.required;
    if (!Array.isArray(required) || required.some((name) => typeof name !== "string")) {
      issue([...path, "required"], "required must be a list of property names");
    } else {
      required.forEach((name: string, index) => {
        if (required.indexOf(name) !== index) {
          issue([...path, "required", index], `"${name}" is listed twice in required`);
        } else if (!isPlainObject(properties) || !Object.hasOwn(properties, name)) {
          const known = isPlainObject(properties) ? Object.keys(properties) : [];
          issue(
            [...path, "required", index],
            `required property "${name}" is not declared under properties${didYouMean(name, known)}`,
            "declare it under properties (every required property needs a schema)",
          );
        }
      });
    }
  }
  if ("additionalProperties" in value && typeof value.additionalProperties !== "boolean") {
    checkJsonSchema(value.additionalProperties, [...path, "additionalProperties"], context);
  }
}

function checkValues(
  value: Record<string, unknown>,
  path: DocumentPath,
  types: JsonType[] | undefined,
  issue: Report,
): void {
  const candidates: [string, unknown[]][] = [];
  if ("enum" in value) {
    if (!Array.isArray(value.enum) || value.enum.length === 0) {
      issue([...path, "enum"], "enum must be a non-empty list of values");
    } else {
      candidates.push(["enum", value.enum]);
      if (!hasUniqueItems(value.enum)) issue([...path, "enum"], "enum lists a value twice");
    }
  }
  if ("const" in value) candidates.push(["const", [value.const]]);
  for (const [key, values] of candidates) {
    values.forEach((item, index) => {
      const where = key === "enum" ? [...path, key, index] : [...path, key];
      if (holdsProtoKey(item)) {
        issue(
          where,
          `${key} value holds the key "__proto__", which payloads may not carry`,
          "remove that value",
        );
      } else if (types !== undefined && !types.some((type) => matchesType(item, type))) {
        issue(
          where,
          `${key} value ${JSON.stringify(item)} is not of this schema's type ${types.join(" | ")}`,
        );
      }
    });
    const typed = [...STRING_KEYWORDS, ...NUMBER_KEYWORDS, ...OBJECT_KEYWORDS, ...ARRAY_KEYWORDS].filter(
      (k) => k in value,
    );
    for (const other of typed) {
      issue(
        [...path, other],
        `"${other}" next to ${key} is not supported`,
        `the ${key} values already decide what is valid; remove "${other}"`,
        true,
      );
    }
  }
  if ("enum" in value && "const" in value)
    issue([...path, "const"], "use either enum or const, not both", undefined, true);
}

function matchesType(value: unknown, type: JsonType): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value);
    case "object":
      return isPlainObject(value);
  }
}

/** Whether a JSON value holds an object member named `__proto__` at any depth. */
function holdsProtoKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsProtoKey);
  if (!isPlainObject(value)) return false;
  return Object.hasOwn(value, "__proto__") || Object.values(value).some(holdsProtoKey);
}

/** A mapping (not a list, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Paths of the fields marked `x-sensitive: true`, following properties, items (`*`),
 * additional properties (`*`), combinators and shared types.
 */
export function sensitivePaths(schema: JsonSchema, types: ReadonlyMap<string, JsonSchema>): string[][] {
  const found = new Map<string, string[]>();
  const visit = (node: JsonSchema, prefix: string[], seen: ReadonlySet<string>): void => {
    if (node["x-sensitive"] === true) found.set(JSON.stringify(prefix), prefix);
    const ref = node.$ref === undefined ? undefined : REF_PATTERN.exec(node.$ref)?.[1];
    if (ref !== undefined && !seen.has(ref)) {
      const target = types.get(ref);
      if (target !== undefined) visit(target, prefix, new Set([...seen, ref]));
    }
    for (const [name, child] of Object.entries(node.properties ?? {})) visit(child, [...prefix, name], seen);
    if (node.items !== undefined) visit(node.items, [...prefix, "*"], seen);
    if (typeof node.additionalProperties === "object")
      visit(node.additionalProperties, [...prefix, "*"], seen);
    for (const branch of [...(node.oneOf ?? []), ...(node.anyOf ?? []), ...(node.allOf ?? [])])
      visit(branch, prefix, seen);
  };
  visit(schema, [], new Set());
  return [...found.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, path]) => path);
}

/**
 * Straight-line validation code for a JSON Schema: the statements of a function that returns
 * `false` as soon as a value breaks a rule, and `true` at its end. It accepts exactly the values
 * the generated zod validator accepts (test/unit/codegen/zod-agreement.test.ts holds both to ajv),
 * reads each property once, in declaration order, and makes no object on the way: it answers
 * only yes or no. The worker and the producer run it first and ask zod only for the issue list
 * of a value it refused.
 *
 * zod's rules the code keeps: an object is any non-null, non-array object (a Date too) and its
 * properties are read with `[]` (inherited ones too), except that a schema with a property named
 * like a member of every object (`toString`) reads own enumerable properties only; a required
 * property must be `in` the object; extra keys of a closed object are those a `for … in` lists;
 * a number is finite; lengths count code points; formats and `multipleOf` call the runtime's checks.
 */
import { INHERITED_MEMBERS } from "../../model/naming.js";
import { REF_PATTERN, type JsonSchema, type JsonType, type JsonValue } from "../../model/json-schema.js";
import { literal } from "../literal.js";
import type { HelperName } from "../zod/context.js";

/** What the statements of one file share: module-level constants, part functions and helpers used. */
export interface CheckScope {
  /** The runtime checks called. */
  readonly helpers: Set<HelperName>;
  /** `const NAME = value;` lines, made once per module (patterns, values to compare). */
  readonly constants: string[];
  /** Functions for combinator branches and type unions: `[name, body statements]`. */
  readonly parts: [string, string[]][];
  /** TypeScript annotations are written (false: plain JavaScript, for evaluation). */
  readonly typed: boolean;
  /** The check function of a shared type, by type name. */
  readonly typeCheckName: (typeName: string) => string;
}

/** The statements of a function body checking `value` against `schema`; ends with `return true;`. */
export function checkBody(schema: JsonSchema, owner: string, scope: CheckScope): string[] {
  const state: CompileState = { scope, owner, variables: 0 };
  return [...statements(schema, "value", state), "return true;"];
}

interface CompileState {
  readonly scope: CheckScope;
  /** Name of the function being written; its part functions are named after it. */
  readonly owner: string;
  variables: number;
}

/** Statements that `return false` when `x` (a variable name) breaks `schema`, and fall through otherwise. */
function statements(schema: JsonSchema, x: string, state: CompileState): string[] {
  const lines: string[] = [];
  // As the zod expression: enum, else const, else type; then $ref and the combinators; all must hold.
  if (schema.enum !== undefined) lines.push(...valueStatements(schema.enum, x, state));
  else if (schema.const !== undefined) lines.push(...valueStatements([schema.const], x, state));
  else if (schema.type !== undefined) lines.push(...typeStatements(schema, x, state));
  if (schema.$ref !== undefined) {
    const name = REF_PATTERN.exec(schema.$ref)?.[1];
    if (name === undefined) throw new Error(`unchecked $ref ${schema.$ref}`);
    lines.push(`if (!${state.scope.typeCheckName(name)}(${x})) return false;`);
  }
  if (schema.allOf !== undefined) {
    for (const branch of schema.allOf) lines.push(...scoped(statements(branch, x, state)));
  }
  if (schema.anyOf !== undefined) {
    const names = schema.anyOf.map((branch) => part(branch, state));
    lines.push(...refuseUnlessAny(names.map((name) => `${name}(${x})`)));
  }
  if (schema.oneOf !== undefined) {
    const names = schema.oneOf.map((branch) => part(branch, state));
    if (names.length === 1) {
      lines.push(`if (!${names[0] ?? ""}(${x})) return false;`);
    } else {
      const count = variable(state, "matches");
      lines.push(
        ...scoped([
          `let ${count} = 0;`,
          ...names.map((name) => `if (${name}(${x})) ${count}++;`),
          `if (${count} !== 1) return false;`,
        ]),
      );
    }
  }
  return lines;
}

/** A `{ }` block around statements (their constants stay local), or nothing for none. */
function scoped(body: string[]): string[] {
  return body.length === 0 ? [] : ["{", ...indent(body), "}"];
}

function indent(body: readonly string[]): string[] {
  return body.map((line) => `  ${line}`);
}

/** A fresh local name. */
function variable(state: CompileState, stem: string): string {
  state.variables++;
  return `${stem}${state.variables}`;
}

/** A module-level function checking `schema` alone, for a branch of a combinator; returns its name. */
function part(schema: JsonSchema, state: CompileState): string {
  const name = `${state.owner}Part${state.scope.parts.length + 1}`;
  const entry: [string, string[]] = [name, []];
  state.scope.parts.push(entry);
  entry[1] = [...statements(schema, "value", { ...state, owner: name, variables: 0 }), "return true;"];
  return name;
}

/** `propertyIsEnumerable`, to read own enumerable properties as zod's prototype-less copy has them. */
const OWN_ENUMERABLE = "const isOwnEnumerable = Object.prototype.propertyIsEnumerable;";

function addConstant(state: CompileState, line: string): void {
  if (!state.scope.constants.includes(line)) state.scope.constants.push(line);
}

/** A module-level constant holding `value`; returns its name. */
function constant(state: CompileState, stem: string, value: string): string {
  const name = `${stem}_${state.scope.constants.length + 1}`;
  state.scope.constants.push(`const ${name} = ${value};`);
  return name;
}

/** `enum` / `const`: one of the values; objects and arrays by JSON equality (the runtime's jsonEquals). */
function valueStatements(values: readonly JsonValue[], x: string, state: CompileState): string[] {
  const tests = values.map((value) => {
    if (value === null || typeof value !== "object") return `${x} === ${literal(value)}`;
    state.scope.helpers.add("jsonEquals");
    return `jsonEquals(${x}, ${constant(state, "VALUE", literal(value))})`;
  });
  return refuseUnlessAny(tests);
}

/** `type`, one or a list: a single type inline, several through part functions. */
function typeStatements(schema: JsonSchema, x: string, state: CompileState): string[] {
  const types: readonly JsonType[] = typeof schema.type === "string" ? [schema.type] : (schema.type ?? []);
  const members = types.filter((type): type is Exclude<JsonType, "null"> => type !== "null");
  const nullable = types.includes("null");
  if (members.length === 0) return [`if (${x} !== null) return false;`];
  if (members.length === 1 && members[0] !== undefined) {
    const body = singleType(members[0], schema, x, state);
    return nullable ? [`if (${x} !== null) {`, ...indent(body), "}"] : body;
  }
  const names = members.map((type) => {
    const name = `${state.owner}Part${state.scope.parts.length + 1}`;
    const entry: [string, string[]] = [name, []];
    state.scope.parts.push(entry);
    entry[1] = [
      ...singleType(type, schema, "value", { ...state, owner: name, variables: 0 }),
      "return true;",
    ];
    return `${name}(${x})`;
  });
  return refuseUnlessAny([...(nullable ? [`${x} === null`] : []), ...names]);
}

function singleType(
  type: Exclude<JsonType, "null">,
  schema: JsonSchema,
  x: string,
  state: CompileState,
): string[] {
  switch (type) {
    case "string":
      return stringStatements(schema, x, state);
    case "number":
    case "integer":
      return numberStatements(schema, type === "integer", x, state);
    case "boolean":
      return [`if (typeof ${x} !== "boolean") return false;`];
    case "object":
      return objectStatements(schema, x, state);
    case "array":
      return arrayStatements(schema, x, state);
  }
}

const FORMAT_HELPERS: Readonly<Record<NonNullable<JsonSchema["format"]>, HelperName>> = {
  email: "isEmail",
  uuid: "isUuid",
  "date-time": "isDateTime",
  date: "isDate",
  uri: "isUri",
};

function stringStatements(schema: JsonSchema, x: string, state: CompileState): string[] {
  const lines = [`if (typeof ${x} !== "string") return false;`];
  // A code point is one or two UTF-16 units: `length` settles most cases without counting.
  if (schema.minLength !== undefined && schema.minLength > 0) {
    state.scope.helpers.add("codePointLength");
    const min = schema.minLength;
    lines.push(
      ...refuseIfAny([
        `${x}.length < ${min}`,
        `(${x}.length < ${2 * min} && codePointLength(${x}) < ${min})`,
      ]),
    );
  }
  if (schema.maxLength !== undefined) {
    state.scope.helpers.add("codePointLength");
    const max = schema.maxLength;
    lines.push(`if (${x}.length > ${max} && codePointLength(${x}) > ${max}) return false;`);
  }
  if (schema.pattern !== undefined) {
    const pattern = constant(state, "PATTERN", `new RegExp(${literal(schema.pattern)}, "u")`);
    lines.push(`if (!${pattern}.test(${x})) return false;`);
  }
  if (schema.format !== undefined) {
    const helper = FORMAT_HELPERS[schema.format];
    state.scope.helpers.add(helper);
    lines.push(`if (!${helper}(${x})) return false;`);
  }
  return lines;
}

function numberStatements(schema: JsonSchema, integer: boolean, x: string, state: CompileState): string[] {
  const lines = [
    integer
      ? `if (typeof ${x} !== "number" || !Number.isInteger(${x})) return false;`
      : `if (typeof ${x} !== "number" || !Number.isFinite(${x})) return false;`,
  ];
  const bounds = [
    ["minimum", "<"],
    ["exclusiveMinimum", "<="],
    ["maximum", ">"],
    ["exclusiveMaximum", ">="],
  ] as const;
  for (const [keyword, refused] of bounds) {
    const bound = schema[keyword];
    if (bound !== undefined) lines.push(`if (${x} ${refused} ${literal(bound)}) return false;`);
  }
  if (schema.multipleOf !== undefined) {
    state.scope.helpers.add("isMultipleOf");
    lines.push(`if (!isMultipleOf(${x}, ${literal(schema.multipleOf)})) return false;`);
  }
  return lines;
}

function objectStatements(schema: JsonSchema, x: string, state: CompileState): string[] {
  const { typed } = state.scope;
  const record = variable(state, "obj");
  const lines = [
    `if (typeof ${x} !== "object" || ${x} === null || Array.isArray(${x})) return false;`,
    `const ${record} = ${x}${typed ? " as Readonly<Record<string, unknown>>" : ""};`,
  ];
  const properties = schema.properties ?? {};
  const names = Object.keys(properties);
  // zod reads such an object through a copy without a prototype: own enumerable properties only.
  const ownOnly = names.some((name) => INHERITED_MEMBERS.has(name));
  if (ownOnly) addConstant(state, OWN_ENUMERABLE);
  const required = new Set(schema.required ?? []);
  for (const name of names) {
    const property = properties[name] ?? {};
    const key = literal(name);
    const value = variable(state, "prop");
    const present = ownOnly ? `isOwnEnumerable.call(${record}, ${key})` : `${key} in ${record}`;
    lines.push(
      ownOnly
        ? `const ${value} = ${present} ? ${record}[${key}] : undefined;`
        : `const ${value} = ${record}[${key}];`,
    );
    const body = statements(property, value, state);
    // zod: a defaulted property is optional; an optional one may be absent or undefined.
    if (required.has(name) && property.default === undefined) {
      if (!rejectsUndefined(property)) lines.push(`if (!(${present})) return false;`);
      lines.push(...body);
    } else if (body.length > 0) {
      lines.push(`if (${value} !== undefined) {`, ...indent(body), "}");
    }
  }
  const extra = schema.additionalProperties;
  if (extra === undefined || extra === true) return lines;
  const key = variable(state, "key");
  const loop = ownOnly
    ? `for (const ${key} of Object.keys(${record})) {`
    : `for (const ${key} in ${record}) {`;
  const known = knownKeyTests(names, key, state);
  if (extra === false) {
    if (names.length === 0) return [...lines, loop, `  void ${key};`, "  return false;", "}"];
    return [...lines, loop, ...indent(refuseUnlessAny(known)), "}"];
  }
  const value = variable(state, "extra");
  const body = statements(extra, value, state);
  if (body.length === 0) return lines;
  return [
    ...lines,
    loop,
    ...(names.length === 0 ? [] : indent(continueIfAny(known))),
    `  const ${value} = ${record}[${key}];`,
    ...indent(body),
    "}",
  ];
}

/** Whether a schema refuses `undefined` by itself, so a required property needs no `in` test. */
function rejectsUndefined(schema: JsonSchema): boolean {
  return schema.type !== undefined || schema.enum !== undefined || schema.const !== undefined;
}

/** Tests that `key` is one of the declared names, one of which holds: `===` for few, a Set for many. */
function knownKeyTests(names: readonly string[], key: string, state: CompileState): string[] {
  if (names.length <= 8) return names.map((name) => `${key} === ${literal(name)}`);
  return [`${constant(state, "KEYS", `new Set(${literal(names)})`)}.has(${key})`];
}

/** Conditions longer than this (without indentation) are written one test per line. */
const INLINE_WIDTH = 72;

/** `return false` unless one of `tests` holds. */
function refuseUnlessAny(tests: readonly string[]): string[] {
  if (tests.length === 1) return refuseIfAny([negate(tests[0] ?? "")]);
  const line = `if (!(${tests.join(" || ")})) return false;`;
  if (line.length <= INLINE_WIDTH) return [line];
  return ["if (", "  !(", ...orLines(tests, "    "), "  )", ") {", "  return false;", "}"];
}

/** `return false` when one of `tests` holds. */
function refuseIfAny(tests: readonly string[]): string[] {
  const line = `if (${tests.join(" || ")}) return false;`;
  if (line.length <= INLINE_WIDTH || tests.length === 1) return [line];
  return ["if (", ...orLines(tests, "  "), ") {", "  return false;", "}"];
}

/** `continue` when one of `tests` holds. */
function continueIfAny(tests: readonly string[]): string[] {
  const line = `if (${tests.join(" || ")}) continue;`;
  if (line.length <= INLINE_WIDTH) return [line];
  return ["if (", ...orLines(tests, "  "), ") {", "  continue;", "}"];
}

function orLines(tests: readonly string[], prefix: string): string[] {
  return tests.map((test, index) => `${prefix}${test}${index < tests.length - 1 ? " ||" : ""}`);
}

/** `!test`, in parentheses unless the test is one call or name. */
function negate(test: string): string {
  return /^[\w.]+(\([^()]*\))?$/.test(test) ? `!${test}` : `!(${test})`;
}

function arrayStatements(schema: JsonSchema, x: string, state: CompileState): string[] {
  const lines = [`if (!Array.isArray(${x})) return false;`];
  if (schema.minItems !== undefined && schema.minItems > 0)
    lines.push(`if (${x}.length < ${schema.minItems}) return false;`);
  if (schema.maxItems !== undefined) lines.push(`if (${x}.length > ${schema.maxItems}) return false;`);
  if (schema.items !== undefined) {
    const index = variable(state, "i");
    const item = variable(state, "item");
    const body = statements(schema.items, item, state);
    if (body.length > 0) {
      lines.push(
        `for (let ${index} = 0; ${index} < ${x}.length; ${index}++) {`,
        `  const ${item}${state.scope.typed ? ": unknown" : ""} = ${x}[${index}];`,
        ...indent(body),
        "}",
      );
    }
  }
  if (schema.uniqueItems === true) {
    state.scope.helpers.add("hasUniqueItems");
    lines.push(`if (!hasUniqueItems(${x})) return false;`);
  }
  return lines;
}

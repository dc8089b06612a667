/**
 * The official JSON Schema Test Suite as the conformance run reads it: where it lives, and its
 * files as groups of cases with the schema and each case's data kept as written.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { JsonObject, parseLossless, stringifyLossless, type LosslessJson } from "./lossless-json.js";

/** The environment variable that points the run at another copy of the suite. */
export const SUITE_ENV = "JSON_SCHEMA_TEST_SUITE";

/** The dialect jobgen implements, and the suite's folder of it. */
export const DRAFT_FOLDER = "draft2020-12";

/** One case: data and whether a conforming validator accepts it. */
export interface SuiteCase {
  readonly description: string;
  /** The data as JSON text, numbers exactly as the suite writes them. */
  readonly data: string;
  readonly valid: boolean;
}

/** A group of cases sharing one schema. */
export interface SuiteGroup {
  /** Path of the file under the draft folder (`optional/format/email.json`). */
  readonly file: string;
  readonly description: string;
  readonly schema: LosslessJson;
  readonly cases: readonly SuiteCase[];
}

/**
 * The suite's root: `$JSON_SCHEMA_TEST_SUITE` when set, else `../shared/json-schema-test-suite`
 * beside the repository (its home in CI). Throws when there is no suite there.
 */
export function suiteRoot(repoRoot: string): string {
  const fromEnv = process.env[SUITE_ENV];
  const root =
    fromEnv === undefined || fromEnv === ""
      ? resolve(repoRoot, "../shared/json-schema-test-suite")
      : resolve(fromEnv);
  if (!existsSync(join(root, DRAFT_FOLDER))) {
    throw new Error(
      `no JSON Schema Test Suite at ${root} (expected a ${DRAFT_FOLDER} folder there); ` +
        `set ${SUITE_ENV} to the suite's root`,
    );
  }
  return root;
}

/** Every group of every `.json` file under the draft folder, files in path order. */
export function readSuite(root: string): SuiteGroup[] {
  const folder = join(root, DRAFT_FOLDER);
  return jsonFiles(folder).flatMap((path) => {
    const file = relative(folder, path).split("\\").join("/");
    const groups = parseLossless(readFileSync(path, "utf8"));
    if (!Array.isArray(groups)) throw new Error(`${file}: expected a list of groups`);
    return (groups as readonly LosslessJson[]).map((group) => readGroup(file, group));
  });
}

function jsonFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return jsonFiles(path);
      return entry.name.endsWith(".json") ? [path] : [];
    })
    .sort();
}

function readGroup(file: string, group: LosslessJson): SuiteGroup {
  if (!(group instanceof JsonObject)) throw new Error(`${file}: a group is not an object`);
  const description = text(group.get("description"), `${file}: group description`);
  const tests = group.get("tests");
  if (!Array.isArray(tests)) throw new Error(`${file}: "${description}" has no tests`);
  const cases = (tests as readonly LosslessJson[]).map((test): SuiteCase => {
    if (!(test instanceof JsonObject) || !test.has("data")) {
      throw new Error(`${file}: "${description}": a test without data`);
    }
    const valid = test.get("valid");
    if (typeof valid !== "boolean") throw new Error(`${file}: "${description}": valid is not true/false`);
    return {
      description: text(test.get("description"), `${file}: "${description}": test description`),
      data: stringifyLossless(test.get("data") ?? null),
      valid,
    };
  });
  return { file, description, schema: group.get("schema") ?? new JsonObject([]), cases };
}

function text(value: LosslessJson | undefined, what: string): string {
  if (typeof value !== "string") throw new Error(`${what} is not text`);
  return value;
}

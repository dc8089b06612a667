/**
 * Payload versions of a task. `version: N` (1 when absent) is the version producers write;
 * `previous:` keeps the schemas of earlier versions that queued tasks may still carry, by number.
 * The kept versions are contiguous up to N - 1 (an upcast chain goes through every version), and
 * each needs an upcast to the next in the worker code.
 */
import type { DocumentPath, SchemaIssue } from "../load/issue.js";
import { checkJsonSchema, isPlainObject, type JsonSchema } from "./json-schema.js";

/** The versions of one task as written; schemas checked. */
export interface TaskVersions {
  readonly version: number;
  /** Oldest first. */
  readonly previous: readonly { readonly version: number; readonly payload: JsonSchema }[];
}

/** Reads `version` and `previous` of a task; pushes an issue for every problem. */
export function readVersions(
  task: Record<string, unknown>,
  path: DocumentPath,
  context: { readonly typeNames: ReadonlySet<string>; readonly issues: SchemaIssue[] },
): TaskVersions {
  const issue = (where: DocumentPath, message: string, hint?: string, atKey = false): void => {
    context.issues.push({
      path: where,
      message,
      ...(hint === undefined ? {} : { hint }),
      ...(atKey ? { atKey } : {}),
    });
  };
  let version = 1;
  if (task.version !== undefined) {
    if (typeof task.version === "number" && Number.isSafeInteger(task.version) && task.version >= 1) {
      version = task.version;
    } else {
      issue([...path, "version"], `version must be a whole number ≥ 1, got ${JSON.stringify(task.version)}`);
    }
  }
  if (task.previous === undefined) return { version, previous: [] };
  const where = [...path, "previous"];
  if (!isPlainObject(task.previous)) {
    issue(
      where,
      "previous must be a mapping of version number to payload schema",
      "write it like previous: { 1: { type: object, ... } }",
    );
    return { version, previous: [] };
  }
  const previous: { version: number; payload: JsonSchema }[] = [];
  for (const [key, schema] of Object.entries(task.previous)) {
    const number = Number(key);
    if (!/^[1-9][0-9]*$/.test(key) || number >= version) {
      issue(
        [...where, key],
        `previous version "${key}" must be a whole number below the current version ${version}`,
        version === 1
          ? "declare the current payload version first: version: 2 next to payload"
          : `keep versions 1 to ${version - 1}`,
        true,
      );
      continue;
    }
    checkJsonSchema(schema, [...where, key], { ...context, refs: [] });
    previous.push({ version: number, payload: (isPlainObject(schema) ? schema : {}) as JsonSchema });
  }
  previous.sort((a, b) => a.version - b.version);
  const oldest = previous[0]?.version;
  if (oldest !== undefined) {
    for (let expected = oldest; expected < version; expected++) {
      if (previous.some((kept) => kept.version === expected)) continue;
      issue(
        where,
        `version ${version} keeps version ${oldest} but not version ${expected}: an upcast chain goes through every version`,
        `keep version ${expected} under previous, or drop the versions below it`,
        true,
      );
      break;
    }
  }
  return { version, previous };
}

/**
 * `$ref`: a reference is judged by what it points to. A shared type is compared where the new
 * file defines it, once per task; pointing to another type (or inlining it) is a source change for
 * the TypeScript types, and only the difference between the two schemas counts on the wire.
 */
import { REF_PATTERN, type JsonSchema } from "../../model/json-schema.js";
import { safe } from "../change.js";
import type { At, PayloadWalk } from "../walk.js";

export function compareRefs(old: JsonSchema, next: JsonSchema, at: At, walk: PayloadWalk): void {
  const oldName = refName(old);
  const newName = refName(next);
  const oldTarget = oldName === undefined ? old : (walk.oldTypes.get(oldName) ?? {});
  const newTarget = newName === undefined ? next : (walk.newTypes.get(newName) ?? {});
  const there: At = newName === undefined ? at : { path: ["types", newName], field: at.field };
  if (oldName !== newName) {
    walk.report(
      "REF_CHANGED",
      { ...at, path: [...at.path, ...(newName === undefined ? [] : ["$ref"])] },
      `${at.field}: ${describe(oldName)} → ${describe(newName)}`,
      safe(
        "the TypeScript type of the field changes name (a source change); the wire is judged by the schemas",
      ),
      safe(),
    );
  }
  if (oldName !== undefined && newName !== undefined) {
    const key = `${oldName}→${newName}`;
    if (walk.seenRefs.has(key)) return;
    walk.seenRefs.add(key);
  }
  walk.compare(oldTarget, newTarget, there);
}

function refName(schema: JsonSchema): string | undefined {
  return schema.$ref === undefined ? undefined : REF_PATTERN.exec(schema.$ref)?.[1];
}

function describe(name: string | undefined): string {
  return name === undefined ? "an inline schema" : `$ref ${name}`;
}

/** `type`: a type added to the list widens what is accepted, a type taken out narrows it (integer ⊂ number). */
import type { JsonSchema, JsonType } from "../../model/json-schema.js";
import { breaking, DEPLOY_WORKERS_FIRST, SAFE } from "../change.js";
import { typeSet, type At, type PayloadWalk } from "../walk.js";

export function compareTypes(old: JsonSchema, next: JsonSchema, at: At, walk: PayloadWalk): void {
  const oldTypes = typeSet(old);
  const newTypes = typeSet(next);
  const lostBackward = uncovered(oldTypes, newTypes);
  const lostForward = uncovered(newTypes, oldTypes);
  if (lostBackward.length === 0 && lostForward.length === 0) return;
  walk.report(
    "TYPE_CHANGED",
    below(at, next),
    `${at.field}: type ${describe(old)} → ${describe(next)}`,
    lostBackward.length === 0
      ? SAFE
      : breaking(
          `an old task whose ${at.field} is ${lostBackward.join(" or ")} is refused by new workers`,
          walk.upcastFix,
        ),
    lostForward.length === 0
      ? SAFE
      : breaking(
          `a new task whose ${at.field} is ${lostForward.join(" or ")} is refused by old workers`,
          DEPLOY_WORKERS_FIRST,
        ),
  );
}

/** The types of `from` the `to` list does not accept, in words ("a number with a fraction"). */
function uncovered(from: ReadonlySet<JsonType>, to: ReadonlySet<JsonType>): string[] {
  const lost: string[] = [];
  for (const type of from) {
    if (to.has(type) || (type === "integer" && to.has("number"))) continue;
    lost.push(type === "number" && to.has("integer") ? "a number with a fraction" : article(type));
  }
  return lost;
}

function article(type: JsonType): string {
  return type === "null"
    ? "null"
    : type === "integer" || type === "object" || type === "array"
      ? `an ${type}`
      : `a ${type}`;
}

function describe(schema: JsonSchema): string {
  if (schema.type === undefined) return "(any)";
  return typeof schema.type === "string" ? schema.type : `[${schema.type.join(", ")}]`;
}

function below(at: At, next: JsonSchema): At {
  return next.type === undefined ? at : { ...at, path: [...at.path, "type"] };
}

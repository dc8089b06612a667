/** Array keywords: item count bounds, `uniqueItems`, and the item schema (compared as a node of its own). */
import type { JsonSchema } from "../../model/json-schema.js";
import { breaking, DEPLOY_WORKERS_FIRST, SAFE } from "../change.js";
import type { At, PayloadWalk } from "../walk.js";
import { compareCounts } from "./bounds.js";

export function compareArrays(old: JsonSchema, next: JsonSchema, at: At, walk: PayloadWalk): void {
  compareCounts(old, next, at, walk, ["minItems", "maxItems"], "items");
  const oldUnique = old.uniqueItems === true;
  const newUnique = next.uniqueItems === true;
  if (oldUnique !== newUnique) {
    walk.report(
      "UNIQUE_ITEMS_CHANGED",
      { ...at, path: [...at.path, ...(next.uniqueItems === undefined ? [] : ["uniqueItems"])] },
      `${at.field}: uniqueItems ${oldUnique} → ${newUnique}`,
      newUnique
        ? breaking(
            `an old task whose ${at.field} holds two equal items is refused by new workers`,
            walk.upcastFix,
          )
        : SAFE,
      oldUnique
        ? breaking(
            `a new task whose ${at.field} holds two equal items is refused by old workers`,
            DEPLOY_WORKERS_FIRST,
          )
        : SAFE,
    );
  }
  if (old.items !== undefined || next.items !== undefined) {
    walk.compare(old.items ?? {}, next.items ?? {}, {
      path: next.items === undefined ? at.path : [...at.path, "items"],
      field: `${at.field}[]`,
    });
  }
}

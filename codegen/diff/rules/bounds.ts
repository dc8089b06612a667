/**
 * Length-like bounds (minLength/maxLength, minItems/maxItems): a higher minimum or a lower maximum
 * narrows what is accepted; the reverse widens it. Absent means 0 (minimum) or none (maximum).
 */
import type { JsonSchema } from "../../model/json-schema.js";
import { breaking, DEPLOY_WORKERS_FIRST, SAFE } from "../change.js";
import type { At, PayloadWalk } from "../walk.js";

type CountKey = "minLength" | "maxLength" | "minItems" | "maxItems";

/** Compares one minimum/maximum pair of count keywords; `unit` names what is counted ("characters"). */
export function compareCounts(
  old: JsonSchema,
  next: JsonSchema,
  at: At,
  walk: PayloadWalk,
  [minKey, maxKey]: readonly [CountKey, CountKey],
  unit: string,
): void {
  for (const [key, isMin] of [
    [minKey, true],
    [maxKey, false],
  ] as const) {
    const before = old[key];
    const after = next[key];
    if (before === after) continue;
    // Lower and upper limits of the count; absent: 0 / unbounded.
    const oldLimit = before ?? (isMin ? 0 : Number.POSITIVE_INFINITY);
    const newLimit = after ?? (isMin ? 0 : Number.POSITIVE_INFINITY);
    const tightened = isMin ? newLimit > oldLimit : newLimit < oldLimit;
    const loosened = isMin ? newLimit < oldLimit : newLimit > oldLimit;
    const beyond = (limit: number): string =>
      isMin ? `fewer than ${limit} ${unit}` : `more than ${limit} ${unit}`;
    walk.report(
      "BOUND_CHANGED",
      { ...at, path: [...at.path, ...(after === undefined ? [] : [key])] },
      `${at.field}: ${key} ${before ?? "(none)"} → ${after ?? "(none)"}`,
      tightened
        ? breaking(
            `an old task whose ${at.field} has ${beyond(newLimit)} is refused by new workers`,
            walk.upcastFix,
          )
        : SAFE,
      loosened
        ? breaking(
            `a new task whose ${at.field} has ${beyond(oldLimit)} is refused by old workers`,
            DEPLOY_WORKERS_FIRST,
          )
        : SAFE,
    );
  }
}

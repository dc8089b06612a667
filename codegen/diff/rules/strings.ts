/**
 * String keywords: length bounds (in code points), `format` and `pattern`. Whether one regular
 * expression accepts every string another accepts is not decided: a changed pattern is reported
 * as breaking both ways, with that reason.
 */
import type { JsonSchema } from "../../model/json-schema.js";
import { breaking, DEPLOY_WORKERS_FIRST, SAFE } from "../change.js";
import type { At, PayloadWalk } from "../walk.js";
import { compareCounts } from "./bounds.js";

export function compareStrings(old: JsonSchema, next: JsonSchema, at: At, walk: PayloadWalk): void {
  compareCounts(old, next, at, walk, ["minLength", "maxLength"], "characters");
  comparePattern(old, next, at, walk);
  compareFormat(old, next, at, walk);
}

function comparePattern(old: JsonSchema, next: JsonSchema, at: At, walk: PayloadWalk): void {
  if (old.pattern === next.pattern) return;
  const where = { ...at, path: [...at.path, ...(next.pattern === undefined ? [] : ["pattern"])] };
  const what = `${at.field}: pattern ${show(old.pattern)} → ${show(next.pattern)}`;
  const undecided =
    "whether one regular expression accepts every string the other does is undecidable here, so jobgen assumes not";
  walk.report(
    "PATTERN_CHANGED",
    where,
    what,
    next.pattern === undefined
      ? SAFE
      : breaking(
          old.pattern === undefined
            ? `an old task whose ${at.field} does not match ${show(next.pattern)} is refused by new workers`
            : `an old task whose ${at.field} matches the old pattern may be refused by new workers: ${undecided}`,
          walk.upcastFix,
        ),
    old.pattern === undefined
      ? SAFE
      : breaking(
          next.pattern === undefined
            ? `a new task whose ${at.field} does not match ${show(old.pattern)} is refused by old workers`
            : `a new task whose ${at.field} matches the new pattern may be refused by old workers: ${undecided}`,
          next.pattern === undefined ? DEPLOY_WORKERS_FIRST : walk.upcastFix,
        ),
  );
}

function compareFormat(old: JsonSchema, next: JsonSchema, at: At, walk: PayloadWalk): void {
  if (old.format === next.format) return;
  walk.report(
    "FORMAT_CHANGED",
    { ...at, path: [...at.path, ...(next.format === undefined ? [] : ["format"])] },
    `${at.field}: format ${old.format ?? "(none)"} → ${next.format ?? "(none)"}`,
    next.format === undefined
      ? SAFE
      : breaking(
          `an old task whose ${at.field} is not a valid ${next.format} is refused by new workers`,
          walk.upcastFix,
        ),
    old.format === undefined
      ? SAFE
      : breaking(
          `a new task whose ${at.field} is not a valid ${old.format} is refused by old workers`,
          next.format === undefined ? DEPLOY_WORKERS_FIRST : walk.upcastFix,
        ),
  );
}

function show(pattern: string | undefined): string {
  return pattern === undefined ? "(none)" : `/${pattern}/`;
}

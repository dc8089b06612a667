/** How `jobgen diff` prints its changes: one line each (plus the fix), or JSON for scripts. */
import { breaksIn, categoryOf, directionsOf, type Change, type Mode } from "./change.js";

/** A change placed in the new file. */
export interface LocatedChange extends Change {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** `file:line:col: breaking|safe (mode): task: what: why`, and a `  fix:` line when it breaks. */
export function formatChange(change: LocatedChange, mode: Mode): string {
  const { why, fix, note } = explain(change, mode);
  const subject = change.task === undefined ? "" : `${change.task}: `;
  const detail = why ?? note;
  const head = `${change.file}:${change.line}:${change.col}: ${breaksIn(change, mode) ? "breaking" : "safe"} (${mode}): ${subject}${change.what}${detail === undefined ? "" : `: ${detail}`}`;
  return fix === undefined ? head : `${head}\n  fix: ${fix}`;
}

/** The one-line verdict after the changes. */
export function summary(changes: readonly Change[], mode: Mode): string {
  const broken = changes.filter((change) => breaksIn(change, mode)).length;
  if (changes.length === 0) return `no changes (${mode}): compatible`;
  const verdict = broken === 0 ? "compatible" : "NOT compatible";
  return `${broken} breaking, ${changes.length - broken} safe (${mode}): ${verdict}`;
}

/** The JSON document of `--json`. */
export function toJson(
  changes: readonly LocatedChange[],
  mode: Mode,
  files: { old: string; new: string },
): unknown {
  const broken = changes.filter((change) => breaksIn(change, mode)).length;
  return {
    mode,
    old: files.old,
    new: files.new,
    compatible: broken === 0,
    breaking: broken,
    safe: changes.length - broken,
    changes: changes.map((change) => {
      const { why, fix, note } = explain(change, mode);
      return {
        file: change.file,
        line: change.line,
        col: change.col,
        task: change.task ?? null,
        rule: change.rule,
        category: categoryOf(change),
        severity: breaksIn(change, mode) ? "breaking" : "safe",
        what: change.what,
        why: why ?? null,
        fix: fix ?? null,
        note: note ?? null,
        backward: change.backward,
        forward: change.forward,
      };
    }),
  };
}

/** The reasons and fixes of the directions of `mode` that break (labelled by direction in full mode). */
function explain(change: Change, mode: Mode): { why?: string; fix?: string; note?: string } {
  const whys: string[] = [];
  const fixes: string[] = [];
  const notes: string[] = [];
  for (const direction of directionsOf(mode)) {
    const effect = change[direction];
    const label = mode === "full" ? `${direction}: ` : "";
    if (effect.breaking) {
      whys.push(`${label}${effect.why}`);
      if (!fixes.includes(effect.fix)) fixes.push(effect.fix);
    } else if (effect.note !== undefined) {
      notes.push(effect.note);
    }
  }
  return {
    ...(whys.length === 0 ? {} : { why: whys.join("; ") }),
    ...(fixes.length === 0 ? {} : { fix: fixes.join("; ") }),
    ...(notes.length === 0 ? {} : { note: notes.join("; ") }),
  };
}

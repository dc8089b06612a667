/**
 * Compares two payload schemas node by node. Each node pair goes to the rule families in turn:
 * `$ref`s are resolved first (a shared type is compared where it is defined), then enum/const
 * (which decide alone when present), the type list, the keywords of each type both sides accept,
 * and the combinators.
 */
import type { JsonSchema } from "../model/json-schema.js";
import type { Change, Effect, RuleId } from "./change.js";
import { compareArrays } from "./rules/arrays.js";
import { compareCombinators } from "./rules/combinators.js";
import { compareNumbers } from "./rules/numbers.js";
import { compareObjects } from "./rules/objects.js";
import { compareRefs } from "./rules/refs.js";
import { compareStrings } from "./rules/strings.js";
import { compareTypes } from "./rules/types.js";
import { compareValues } from "./rules/values.js";
import { typeSet, type At, type Finding, type PayloadWalk } from "./walk.js";

/** What a payload comparison needs to know about the two files and the task. */
export interface PayloadScope {
  readonly task: string;
  readonly oldTypes: ReadonlyMap<string, JsonSchema>;
  readonly newTypes: ReadonlyMap<string, JsonSchema>;
  readonly upcastFix: string;
}

/** Compares `old` and `next` (a task's payload, or one kept version) and returns every change. */
export function comparePayloads(scope: PayloadScope, old: JsonSchema, next: JsonSchema, at: At): Change[] {
  const changes: Change[] = [];
  const walk = makeWalk(scope, new Set(), (rule, where, what, backward, forward) => {
    changes.push({ rule, task: scope.task, path: where.path, what, backward, forward });
  });
  walk.compare(old, next, at);
  return changes;
}

type Report = (rule: RuleId, at: At, what: string, backward: Effect, forward: Effect) => void;

function makeWalk(scope: PayloadScope, seenRefs: Set<string>, report: Report): PayloadWalk {
  const walk: PayloadWalk = {
    ...scope,
    seenRefs,
    report,
    compare: (old, next, at) => compareNodes(old, next, at, walk),
    probe: (run) => {
      const found: Finding[] = [];
      run(
        makeWalk(scope, new Set(), (rule, where, what, backward, forward) =>
          found.push({ rule, path: where.path, what, backward, forward }),
        ),
      );
      return found;
    },
  };
  return walk;
}

function compareNodes(old: JsonSchema, next: JsonSchema, at: At, walk: PayloadWalk): void {
  if (old.$ref !== undefined || next.$ref !== undefined) {
    compareRefs(old, next, at, walk);
    return;
  }
  if (compareValues(old, next, at, walk)) return;
  compareTypes(old, next, at, walk);
  const oldTypes = typeSet(old);
  const newTypes = typeSet(next);
  const both = (...types: ("string" | "number" | "integer" | "array" | "object")[]): boolean =>
    types.some((type) => oldTypes.has(type)) && types.some((type) => newTypes.has(type));
  if (both("string")) compareStrings(old, next, at, walk);
  if (both("number", "integer")) compareNumbers(old, next, at, walk);
  if (both("array")) compareArrays(old, next, at, walk);
  if (both("object")) compareObjects(old, next, at, walk);
  compareCombinators(old, next, at, walk);
}

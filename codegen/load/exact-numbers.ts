import { isScalar, visit, type Document } from "yaml";
import type { LocatedIssue } from "./issue.js";

/** An integer written in decimal, as YAML and JSON write it. */
const DECIMAL_INTEGER = /^[-+]?[0-9]+$/;

/**
 * Integers of a schema file that a JavaScript number does not hold exactly (outside ±(2^53 − 1),
 * RFC 7493 §2.2): read as numbers they would be rounded, so a bound, `const` or `default` would
 * silently mean another number. Payload integers that large are refused at run time too.
 */
export function inexactIntegerIssues(
  document: Document,
  file: string,
  position: (offset: number) => { line: number; col: number },
): LocatedIssue[] {
  const issues: LocatedIssue[] = [];
  visit(document, {
    Scalar(_key, node) {
      const source = node.source;
      if (!isScalar(node) || typeof node.value !== "number" || typeof source !== "string") return;
      if (!DECIMAL_INTEGER.test(source) || Number.isSafeInteger(node.value)) return;
      issues.push({
        file,
        ...position(node.range?.[0] ?? 0),
        message: `integer ${source} is outside ±(2^53 − 1), where numbers are no longer exact (it would read as ${String(node.value)})`,
        hint: "use an integer within ±9007199254740991",
      });
    },
  });
  return issues;
}

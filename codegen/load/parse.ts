import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { inexactIntegerIssues } from "./exact-numbers.js";
import type { DocumentPath, LocatedIssue, SchemaIssue } from "./issue.js";
import { describeYamlError } from "./yaml-errors.js";

/** A parsed schema file: its plain value and a way to place an issue on a line and column. */
export interface ParsedSource {
  readonly file: string;
  /** The document as plain JSON-like data; `undefined` when the text has syntax errors. */
  readonly value: unknown;
  /** Syntax errors (YAML or JSON), already located. */
  readonly syntaxIssues: readonly LocatedIssue[];
  locate(issue: SchemaIssue): LocatedIssue;
}

/**
 * Parses YAML or JSON text (JSON is read as YAML 1.2, which keeps positions for every node).
 * Duplicate keys, tabs and other syntax problems are reported with their position, and so are
 * integers too large to read exactly.
 */
export function parseSource(file: string, text: string): ParsedSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, merge: false });
  const position = (offset: number): { line: number; col: number } => lineCounter.linePos(offset);
  const syntaxIssues: LocatedIssue[] = [];
  for (const error of [...document.errors, ...document.warnings]) {
    const { line, col } = position(error.pos[0]);
    const problem = describeYamlError(error, text, line, col);
    // One problem per line: an indentation error makes the yaml library report two or three.
    if (!syntaxIssues.some((issue) => issue.line === problem.line)) syntaxIssues.push({ file, ...problem });
  }
  if (syntaxIssues.length === 0) syntaxIssues.push(...inexactIntegerIssues(document, file, position));
  const value: unknown = syntaxIssues.length === 0 ? document.toJS({ maxAliasCount: 100 }) : undefined;

  const locate = (issue: SchemaIssue): LocatedIssue => {
    const offset = findOffset(document.contents, issue.path, issue.atKey === true) ?? 0;
    const base = { file, ...position(offset), message: issue.message };
    return issue.hint === undefined ? base : { ...base, hint: issue.hint };
  };
  return { file, value, syntaxIssues, locate };
}

/** Walks the YAML nodes along `path`; returns the offset of the deepest node found. */
function findOffset(root: unknown, path: DocumentPath, atKey: boolean): number | undefined {
  let node: unknown = root;
  let offset = rangeStart(root);
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (pair === undefined) return offset;
      if (last && atKey) return rangeStart(pair.key) ?? offset;
      offset = rangeStart(pair.value) ?? rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      const item: unknown = node.items[segment];
      if (item === undefined) return offset;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      return offset;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range?.[0];
}

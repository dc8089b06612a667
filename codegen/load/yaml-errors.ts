/**
 * YAML syntax errors in words a newcomer reads: what is wrong with the line and how to fix it. The
 * yaml library's own text ("All mapping items must start at the same column") is kept for errors
 * not listed here.
 */
import type { YAMLError } from "yaml";

/** One syntax error, placed on its line; `col` is 1-based. */
export interface YamlProblem {
  readonly line: number;
  readonly col: number;
  readonly message: string;
  readonly hint?: string;
}

/** The codes of errors in how lines are indented (a missing or extra space, a tab). */
const INDENTATION_CODES = new Set(["BAD_INDENT", "BLOCK_AS_IMPLICIT_KEY", "MULTILINE_IMPLICIT_KEY"]);

/** Describes a YAML error found at `line` (1-based) and `col` of `text`. */
export function describeYamlError(error: YAMLError, text: string, line: number, col: number): YamlProblem {
  const lines = text.split(/\r?\n/);
  const current = lines[line - 1] ?? "";
  const indent = indentOf(current);
  if (error.code === "TAB_AS_INDENT") {
    return {
      line,
      col: 1,
      message: `line ${line} is indented with a tab; YAML indents with spaces only`,
      hint: "replace the tab with spaces (two per level, lined up with the keys it belongs with)",
    };
  }
  if (INDENTATION_CODES.has(error.code) && !/flow/i.test(error.message)) {
    const above = lineAbove(lines, line);
    const below = lineBelow(lines, line);
    // A line indented under a key that already has its value on its own line.
    if (above !== undefined && indent > above.indent && hasValue(lines[above.line - 1])) {
      return deeperThanValue(line, indent, above.line);
    }
    if (below !== undefined && below.indent > indent && hasValue(current)) {
      return deeperThanValue(below.line, below.indent, line);
    }
    const where =
      above === undefined
        ? `line ${line} starts at column ${indent + 1}`
        : `line ${line} starts at column ${indent + 1}, line ${above.line} above it at column ${above.indent + 1}`;
    return {
      line,
      col: indent + 1,
      message: `bad indentation: ${where}; the keys of one mapping must start at the same column`,
      hint: "indent a key with spaces to the column of the keys beside it, or two more to nest it under the key above",
    };
  }
  if (error.code === "DUPLICATE_KEY") {
    const key = /^\s*(?:-\s+)?["']?([^"':]+)/.exec(current)?.[1]?.trim() ?? "";
    return {
      line,
      col,
      message: `duplicate key "${key}": it appears twice in the same mapping`,
      hint: "remove or rename one of them",
    };
  }
  return { line, col, message: error.message.split("\n")[0] ?? error.message };
}

function deeperThanValue(line: number, indent: number, keyLine: number): YamlProblem {
  return {
    line,
    col: indent + 1,
    message: `bad indentation: line ${line} is indented deeper than line ${keyLine}, whose key already has its value`,
    hint: `line it up with the key on line ${keyLine}, or move that key's value to its own lines below it`,
  };
}

/** Whether a line is `key: value` with the value on the same line. */
function hasValue(line: string | undefined): boolean {
  return /:\s+[^\s#]/.test(line ?? "");
}

function indentOf(line: string): number {
  return /^ */.exec(line)?.[0].length ?? 0;
}

/** The closest line above `line` with content (not blank, not only a comment). */
function lineAbove(lines: readonly string[], line: number): { line: number; indent: number } | undefined {
  for (let i = line - 2; i >= 0; i--)
    if (hasContent(lines[i])) return { line: i + 1, indent: indentOf(lines[i] ?? "") };
  return undefined;
}

/** The closest line below `line` with content. */
function lineBelow(lines: readonly string[], line: number): { line: number; indent: number } | undefined {
  for (let i = line; i < lines.length; i++)
    if (hasContent(lines[i])) return { line: i + 1, indent: indentOf(lines[i] ?? "") };
  return undefined;
}

function hasContent(line: string | undefined): boolean {
  const trimmed = (line ?? "").trim();
  return trimmed !== "" && !trimmed.startsWith("#");
}

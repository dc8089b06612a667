/** A path into the schema document: map keys and sequence indexes from the root. */
export type DocumentPath = readonly (string | number)[];

/** One problem found in a schema file, before it is placed on a line and column. */
export interface SchemaIssue {
  /** Where the problem is. */
  readonly path: DocumentPath;
  /** Point at the key of the last path segment (for unknown keys) instead of its value. */
  readonly atKey?: boolean;
  /** What is wrong. */
  readonly message: string;
  /** What would be right. */
  readonly hint?: string;
}

/** A schema problem placed in its file, printed as `file:line:col: message`. */
export interface LocatedIssue {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
  readonly hint?: string;
}

/** Formats an issue as one line `file:line:col: message`, plus an indented hint line when there is one. */
export function formatIssue(issue: LocatedIssue): string {
  const head = `${issue.file}:${issue.line}:${issue.col}: ${issue.message}`;
  return issue.hint === undefined ? head : `${head}\n  hint: ${issue.hint}`;
}

/** Thrown when a schema file has problems; carries every problem of the file. */
export class SchemaErrors extends Error {
  constructor(readonly issues: readonly LocatedIssue[]) {
    super(`${issues.length} schema error${issues.length === 1 ? "" : "s"}`);
    this.name = "SchemaErrors";
  }
}

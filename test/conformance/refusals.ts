/**
 * The suite cases jobgen refuses on purpose, as the table of docs/conformance.md: the run
 * computes the list, and the document must hold exactly that list between its two markers.
 */

export const DOCS_FILE = "docs/conformance.md";

const START = "<!-- refused cases: written by `npm run test:conformance -- --update-docs` -->";
const END = "<!-- end of refused cases -->";

/** A group whose schema jobgen refuses, or one case of an accepted group that it refuses. */
export interface Refusal {
  readonly file: string;
  readonly group: string;
  /** The case's description; absent when the whole group's schema is refused. */
  readonly case?: string;
  readonly reason: string;
}

/** The markdown table of the refusals, in suite order. */
export function refusalTable(refusals: readonly Refusal[]): string {
  const rows = refusals.map(
    (refusal) =>
      `| ${cell(refusal.file)} | ${cell(refusal.group)} | ${cell(refusal.case ?? "(every case)")} | ${cell(refusal.reason)} |`,
  );
  return ["| file | group | case | why jobgen refuses it |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

/** The document with the text between the markers replaced by `table`. */
export function replaceRefusalTable(document: string, table: string): string {
  const start = document.indexOf(START);
  const end = document.indexOf(END);
  if (start === -1 || end < start) {
    throw new Error(`${DOCS_FILE} lacks the markers of the refused cases:\n${START}\n${END}`);
  }
  return `${document.slice(0, start + START.length)}\n\n${table}\n\n${document.slice(end)}`;
}

/** Table cell text: pipes escaped, control characters (a tab, a line break) as \u escapes. */
function cell(text: string): string {
  return text
    .replace(/\|/g, "\\|")
    .replace(/\p{Cc}/gu, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

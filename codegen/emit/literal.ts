/** How schema text enters generated code: only ever as a literal or inside a neutralised comment. */

/**
 * A JSON value as a TypeScript literal. JSON text is a valid JS expression; U+2028 and U+2029 are
 * escaped as well so that no editor or older parser reads them as line breaks.
 */
export function literal(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError("literal: value has no JSON form");
  return text.replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** Text for inside a `/** … *\/` comment: `*\/` cannot close it, and line separators become newlines. */
export function commentText(text: string): string {
  return text.replace(/\r\n?|[\u2028\u2029]/g, "\n").replace(/\*\//g, "*\\/");
}

/** One-line form for a `//` comment: every line break and control character becomes an escape. */
export function lineCommentText(text: string): string {
  return literal(text).slice(1, -1);
}

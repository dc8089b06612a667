/**
 * Indents json-schema-to-typescript's unformatted output (`format: false`) by bracket depth: two
 * spaces per open `{`, `(` or `[`, with closing brackets at the start of a line dedented. Brackets
 * inside string literals and comment lines do not count. Running prettier over the same text cost
 * more than half of a 300-task generation; this is linear and pinned.
 */
const OPENING = new Set(["{", "(", "["]);
const CLOSING = new Set(["}", ")", "]"]);
const INDENT = "  ";

export function indentByBrackets(text: string): string {
  let depth = 0;
  let inComment = false;
  const lines: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "") {
      lines.push("");
      continue;
    }
    if (inComment || line.startsWith("/*")) {
      lines.push(INDENT.repeat(depth) + (line.startsWith("*") ? ` ${line}` : line));
      inComment = !line.endsWith("*/");
      continue;
    }
    const { delta, leadingCloses } = bracketsOf(line);
    lines.push(INDENT.repeat(Math.max(0, depth - leadingCloses)) + line);
    depth = Math.max(0, depth + delta);
  }
  return lines.join("\n").replace(/\n+$/, "\n");
}

function bracketsOf(line: string): { delta: number; leadingCloses: number } {
  let delta = 0;
  let leadingCloses = 0;
  let leading = true;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i] ?? "";
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (OPENING.has(char)) delta++;
    else if (CLOSING.has(char)) {
      delta--;
      if (leading) leadingCloses++;
      continue;
    }
    if (char !== " ") leading = false;
  }
  return { delta, leadingCloses };
}

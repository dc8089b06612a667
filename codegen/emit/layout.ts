/**
 * A small layout printer for the expressions jobgen emits (zod chains, object literals): a group
 * stays on one line when it fits in {@link LINE_WIDTH}, otherwise it puts one item per line with a
 * trailing comma. It writes through ts-morph's writer, so indentation is ts-morph's (2 spaces).
 * Formatting is pinned by construction; no formatter runs over the output.
 */
import type { CodeBlockWriter } from "ts-morph";

/** Widest line the layout aims for. */
export const LINE_WIDTH = 110;
const INDENT_WIDTH = 2;

/** Code to lay out: text, a sequence of docs, or a bracketed group of comma-separated items. */
export type Doc = string | Concat | Group;
interface Concat {
  readonly kind: "concat";
  readonly parts: readonly Doc[];
}
interface Group {
  readonly kind: "group";
  readonly open: string;
  readonly items: readonly Doc[];
  readonly close: string;
}

export function concat(...parts: readonly Doc[]): Doc {
  return { kind: "concat", parts };
}

export function group(open: string, items: readonly Doc[], close: string): Doc {
  return { kind: "group", open, items, close };
}

/** `name(arg, ...)`. */
export function call(callee: Doc, args: readonly Doc[]): Doc {
  return concat(callee, group("(", args, ")"));
}

/** `{ key: value, ... }` with keys as given (callers pass literals or identifiers). */
export function objectDoc(entries: readonly (readonly [key: string, value: Doc])[]): Doc {
  return group(
    "{",
    entries.map(([key, value]) => concat(key, ": ", value)),
    "}",
  );
}

const flatCache = new WeakMap<Concat | Group, string>();

/** The one-line form of a doc. */
export function flat(doc: Doc): string {
  if (typeof doc === "string") return doc;
  const cached = flatCache.get(doc);
  if (cached !== undefined) return cached;
  const text =
    doc.kind === "concat"
      ? doc.parts.map(flat).join("")
      : doc.items.length === 0
        ? `${doc.open}${doc.close}`
        : doc.open === "{"
          ? `{ ${doc.items.map(flat).join(", ")} }`
          : `${doc.open}${doc.items.map(flat).join(", ")}${doc.close}`;
  flatCache.set(doc, text);
  return text;
}

/**
 * Renders a doc that starts at `column` on a line indented `indent` levels. A group that does not
 * fit breaks one item per line, except a group of one item, which hugs it: `f({` ... `})`.
 */
export function render(doc: Doc, column = 0, indent = 0): string {
  if (typeof doc === "string") return doc;
  if (doc.kind === "concat") {
    let text = "";
    for (const part of doc.parts) text += render(part, columnAfter(text, column), indent);
    return text;
  }
  const oneLine = flat(doc);
  if (doc.items.length === 0 || column + oneLine.length <= LINE_WIDTH) return oneLine;
  const [only] = doc.items;
  if (doc.items.length === 1 && only !== undefined) {
    return `${doc.open}${render(only, column + doc.open.length, indent)}${doc.close}`;
  }
  const inner = " ".repeat((indent + 1) * INDENT_WIDTH);
  const items = doc.items.map((item) => `\n${inner}${render(item, inner.length, indent + 1)},`).join("");
  return `${doc.open}${items}\n${" ".repeat(indent * INDENT_WIDTH)}${doc.close}`;
}

function columnAfter(text: string, start: number): number {
  const lastBreak = text.lastIndexOf("\n");
  return lastBreak === -1 ? start + text.length : text.length - lastBreak - 1;
}

/**
 * A top-level statement as a ts-morph writer function: an optional doc comment, then
 * `prefix` + the rendered doc + `;`. (Top-level, so the layout's own indentation is exact.)
 */
export function statementWriter(
  docComment: string | undefined,
  prefix: string,
  doc: Doc,
): (writer: CodeBlockWriter) => void {
  return (writer) => {
    if (docComment !== undefined) writer.write(jsDoc(docComment)).newLine();
    writer.write(`${prefix}${render(doc, prefix.length, 0)};`);
  };
}

/** A `/** … *\/` block of already neutralised comment text. */
export function jsDoc(text: string): string {
  const lines = text.split("\n");
  return lines.length === 1
    ? `/** ${lines[0] ?? ""} */`
    : ["/**", ...lines.map((line) => ` *${line === "" ? "" : ` ${line}`}`), " */"].join("\n");
}

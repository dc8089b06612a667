/**
 * The one printer of generated TypeScript: emitters build docs (text, sequences, bracketed groups,
 * `|`/`&` lists and `{ }` blocks) and this module lays them out. A group stays on one line when it
 * fits in {@link LINE_WIDTH} together with the text that follows it on that line; otherwise it
 * puts one item per line (as prettier would, with the project's `.prettierrc.json` width).
 * Blocks always put one statement per line, indented {@link INDENT_WIDTH} spaces per level.
 * Formatting is pinned by construction; no formatter runs over the output.
 */

/** Widest line the layout aims for: prettier's `printWidth` in .prettierrc.json. */
export const LINE_WIDTH = 110;
const INDENT_WIDTH = 2;

/** Code to lay out. A string may hold line breaks (doc comments); its lines are indented in place. */
export type Doc = string | Concat | Group | TypeList | Block;
interface Concat {
  readonly kind: "concat";
  readonly parts: readonly Doc[];
}
interface Group {
  readonly kind: "group";
  readonly open: string;
  readonly items: readonly Doc[];
  readonly close: string;
  /** `,` (with a trailing one when broken) or `;` (after every item when broken). */
  readonly separator: "," | ";";
}
interface TypeList {
  readonly kind: "types";
  readonly operator: "|" | "&";
  readonly members: readonly Doc[];
  /** Follows `=` (and its space): only then may it break, one `| member` per line. */
  readonly assigned: boolean;
}
interface Block {
  readonly kind: "block";
  readonly head: Doc;
  readonly body: readonly Doc[];
}

export function concat(...parts: readonly Doc[]): Doc {
  return { kind: "concat", parts };
}

/** Comma-separated items in brackets: `(a, b)`, `[a, b]`, `{ a, b }`. */
export function group(open: string, items: readonly Doc[], close: string): Doc {
  return { kind: "group", open, items, close, separator: "," };
}

/** Members of an object type: `{ a: string; b?: number }`. */
export function typeMembers(members: readonly Doc[]): Doc {
  return { kind: "group", open: "{", items: members, close: "}", separator: ";" };
}

/**
 * A union (`A | B`) or intersection (`A & B`); one member is returned as it is. A member list of
 * the same operator is spliced in; one of the other operator is put in parentheses.
 */
export function typeList(operator: "|" | "&", members: readonly Doc[]): Doc {
  const [first] = members;
  if (members.length === 1 && first !== undefined) return first;
  const spliced = members.flatMap((member) =>
    typeof member !== "string" && member.kind === "types"
      ? member.operator === operator
        ? member.members
        : [concat("(", member, ")")]
      : [member],
  );
  const [only] = spliced;
  if (spliced.length === 1 && only !== undefined) return only;
  return { kind: "types", operator, members: spliced, assigned: false };
}

/**
 * ` = type` of a type alias (`operator` `=`) or `: type` of a property (`:`). Too wide for the
 * line, a union or intersection puts one member per line, and a plain name goes to the next line.
 */
export function assignedType(type: Doc, operator: "=" | ":" = "="): Doc {
  const prefix = operator === "=" ? " =" : ":";
  if (typeof type !== "string" && type.kind !== "types") return concat(prefix, " ", type);
  const list: TypeList =
    typeof type !== "string" ? type : { kind: "types", operator: "|", members: [type], assigned: true };
  return concat(prefix, { ...list, assigned: true });
}

/** Whether a doc is a union or intersection (an array of it needs parentheses). */
export function isTypeList(doc: Doc): boolean {
  return typeof doc !== "string" && doc.kind === "types";
}

/** `head {`, then each statement on its own indented line, then `}`. */
export function block(head: Doc, body: readonly Doc[]): Doc {
  return { kind: "block", head, body };
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

const flatCache = new WeakMap<Exclude<Doc, string>, string>();

/** The one-line form of a doc (a block or a doc comment inside it keeps its line breaks). */
export function flat(doc: Doc): string {
  if (typeof doc === "string") return doc;
  const cached = flatCache.get(doc);
  if (cached !== undefined) return cached;
  let text: string;
  switch (doc.kind) {
    case "concat":
      text = doc.parts.map(flat).join("");
      break;
    case "group":
      text =
        doc.items.length === 0
          ? `${doc.open}${doc.close}`
          : doc.open === "{"
            ? `{ ${doc.items.map(flat).join(`${doc.separator} `)} }`
            : `${doc.open}${doc.items.map(flat).join(`${doc.separator} `)}${doc.close}`;
      break;
    case "types":
      text = `${doc.assigned ? " " : ""}${doc.members.map(flat).join(` ${doc.operator} `)}`;
      break;
    case "block":
      text = render(doc);
      break;
  }
  flatCache.set(doc, text);
  return text;
}

/**
 * Renders a doc that starts at `column` on a line indented `indent` levels, followed on its last
 * line by `trailing` more characters. A group that does not fit breaks one item per line, except a
 * group of one item, which hugs it: `f({` ... `})`.
 */
export function render(doc: Doc, column = 0, indent = 0, trailing = 0): string {
  if (typeof doc === "string") return doc.replace(/\n(?!\n)/g, `\n${pad(indent)}`);
  switch (doc.kind) {
    case "concat": {
      let text = "";
      doc.parts.forEach((part, i) => {
        text += render(part, columnAfter(text, column), indent, restWidth(doc.parts, i + 1, trailing));
      });
      return text;
    }
    case "group": {
      if (doc.items.length === 0 || fits(doc, column, trailing)) return flat(doc);
      const [only] = doc.items;
      if (doc.items.length === 1 && only !== undefined && doc.separator === ",") {
        return `${doc.open}${render(only, column + doc.open.length, indent, doc.close.length + trailing)}${doc.close}`;
      }
      const inner = pad(indent + 1);
      // No comma after a rest element (`...upcasts: X`): TypeScript refuses one in a parameter list.
      const separatorAfter = (item: Doc, i: number): string =>
        i === doc.items.length - 1 && flat(item).startsWith("...") && doc.separator === ","
          ? ""
          : doc.separator;
      const items = doc.items
        .map((item, i) => `\n${inner}${render(item, inner.length, indent + 1, 1)}${separatorAfter(item, i)}`)
        .join("");
      return `${doc.open}${items}\n${pad(indent)}${doc.close}`;
    }
    case "types": {
      if (!doc.assigned || fits(doc, column, trailing)) return flat(doc);
      const inner = pad(indent + 1);
      return doc.members
        .map((member) =>
          doc.members.length === 1
            ? `\n${inner}${render(member, inner.length, indent + 1, trailing)}`
            : `\n${inner}${doc.operator} ${render(member, inner.length + 2, indent + 2)}`,
        )
        .join("");
    }
    case "block": {
      const head = render(doc.head, column, indent, 2);
      if (doc.body.length === 0) return `${head} {}`;
      const inner = pad(indent + 1);
      const body = doc.body.map((statement) => `${inner}${render(statement, inner.length, indent + 1)}`);
      return `${head} {\n${body.join("\n")}\n${pad(indent)}}`;
    }
  }
}

function fits(doc: Doc, column: number, trailing: number): boolean {
  const room = LINE_WIDTH - column - trailing;
  return width(doc, room) <= room;
}

/**
 * The width of a doc's one-line form, counted only until it passes `budget` (then any larger
 * number); `Infinity` when that form has a line break. Measuring never builds the text, so a large
 * group that cannot fit costs as little as the first line's worth of it.
 */
function width(doc: Doc, budget: number): number {
  if (typeof doc === "string") return doc.includes("\n") ? Infinity : doc.length;
  const cached = flatCache.get(doc);
  if (cached !== undefined) return cached.includes("\n") ? Infinity : cached.length;
  let total = 0;
  const add = (part: Doc): boolean => {
    total += width(part, budget - total);
    return total <= budget;
  };
  switch (doc.kind) {
    case "concat":
      for (const part of doc.parts) if (!add(part)) return total;
      return total;
    case "group":
      total = doc.open.length + doc.close.length + (doc.open === "{" && doc.items.length > 0 ? 2 : 0);
      total += Math.max(0, doc.items.length - 1) * 2;
      for (const item of doc.items) if (!add(item)) return total;
      return total;
    case "types":
      total = (doc.assigned ? 1 : 0) + Math.max(0, doc.members.length - 1) * 3;
      for (const member of doc.members) if (!add(member)) return total;
      return total;
    case "block":
      return Infinity;
  }
}

/** Width of the parts from `start` on, up to the first one with a line break (or plus `trailing`). */
function restWidth(parts: readonly Doc[], start: number, trailing: number): number {
  let total = 0;
  for (let i = start; i < parts.length; i++) {
    const partWidth = width(parts[i] ?? "", LINE_WIDTH);
    if (partWidth === Infinity) return total;
    total += partWidth;
    if (total > LINE_WIDTH) return total;
  }
  return total + trailing;
}

function pad(indent: number): string {
  return " ".repeat(indent * INDENT_WIDTH);
}

function columnAfter(text: string, start: number): number {
  const lastBreak = text.lastIndexOf("\n");
  return lastBreak === -1 ? start + text.length : text.length - lastBreak - 1;
}

/** A `/** … *\/` block of already neutralised comment text. */
export function jsDoc(text: string): string {
  const lines = text.split("\n");
  return lines.length === 1
    ? `/** ${lines[0] ?? ""} */`
    : ["/**", ...lines.map((line) => ` *${line === "" ? "" : ` ${line}`}`), " */"].join("\n");
}

/**
 * The TypeScript declarations jobgen emits, as layout docs, and the source file they make. Every
 * generated .ts file is printed by {@link printFile} through layout.ts, so all of them share one
 * width, one indentation and one punctuation.
 */
import type { GeneratedFile } from "./file.js";
import { assignedType, block, concat, group, jsDoc, render, type Doc } from "./layout.js";
import { literal } from "./literal.js";

/** What a declaration may carry besides its body. */
export interface DeclarationHead {
  /** Doc comment text, already neutralised (commentText). */
  readonly doc?: string | undefined;
  readonly exported?: boolean;
  /** `<Q extends QueueName>` and the like, without the angle brackets. */
  readonly typeParameters?: readonly string[];
}

function head(
  { doc, exported = false, typeParameters = [] }: DeclarationHead,
  keyword: string,
  name: string,
): Doc {
  return concat(
    doc === undefined ? "" : `${jsDoc(doc)}\n`,
    exported ? "export " : "",
    keyword,
    " ",
    name,
    typeParameters.length === 0 ? "" : group("<", typeParameters, ">"),
  );
}

/** `import { a, b } from "x";` (names sorted), wrapped one name per line when too wide. */
export function importDeclaration(names: readonly string[], from: string, typeOnly = false): Doc {
  return concat(
    typeOnly ? "import type " : "import ",
    group("{", [...names].sort(), "}"),
    ` from ${literal(from)};`,
  );
}

/** `export { a, b } from "x";` (names sorted). */
export function exportFrom(names: readonly string[], from: string, typeOnly = false): Doc {
  return concat(
    typeOnly ? "export type " : "export ",
    group("{", [...names].sort(), "}"),
    ` from ${literal(from)};`,
  );
}

/** One member of an interface or object type: its doc comment, then `text` (without the `;`). */
export function member(text: Doc, doc?: string): Doc {
  return doc === undefined ? text : concat(`${jsDoc(doc)}\n`, text);
}

/** A method signature `name(a: A, b?: B): R`, its parameters wrapped when too wide. */
export function methodSignature(name: string, parameters: readonly string[], returnType: string): Doc {
  return concat(name, group("(", parameters, ")"), `: ${returnType}`);
}

/** `interface Name<T> extends A, B { member; ... }`. */
export function interfaceDeclaration(
  declaration: DeclarationHead & {
    readonly name: string;
    readonly extends?: readonly string[];
    readonly members: readonly Doc[];
  },
): Doc {
  const extended = declaration.extends ?? [];
  return block(
    concat(
      head(declaration, "interface", declaration.name),
      extended.length === 0 ? "" : ` extends ${extended.join(", ")}`,
    ),
    declaration.members.map((item) => concat(item, ";")),
  );
}

/** `type Name<T> = type;`. */
export function typeAlias(declaration: DeclarationHead & { readonly name: string; readonly type: Doc }): Doc {
  return concat(head(declaration, "type", declaration.name), assignedType(declaration.type), ";");
}

/** `const name = value;` (or `const name: type = value;`). */
export function constDeclaration(
  declaration: DeclarationHead & { readonly name: string; readonly type?: string; readonly value: Doc },
): Doc {
  const typed = declaration.type === undefined ? "" : `: ${declaration.type}`;
  return concat(head(declaration, "const", declaration.name), typed, " = ", declaration.value, ";");
}

/** `function name<T>(parameters): returnType { statements }`. */
export function functionDeclaration(
  declaration: DeclarationHead & {
    readonly name: string;
    readonly parameters: readonly string[];
    readonly returnType: string;
    readonly body: readonly Doc[];
  },
): Doc {
  return block(
    concat(
      head(declaration, "function", declaration.name),
      group("(", declaration.parameters, ")"),
      `: ${declaration.returnType}`,
    ),
    declaration.body,
  );
}

/**
 * A generated .ts file: the header, then its sections separated by one blank line; the
 * statements of a section (a run of imports or exports) are on consecutive lines.
 */
export function printFile(
  path: string,
  header: string,
  sections: readonly (Doc | readonly Doc[])[],
): GeneratedFile {
  const text = sections
    .map((section) => (Array.isArray(section) ? (section as readonly Doc[]) : [section as Doc]))
    .filter((statements) => statements.length > 0)
    .map((statements) => statements.map((statement) => render(statement)).join("\n"))
    .join("\n\n");
  return { path, contents: `${header}\n${text}\n` };
}

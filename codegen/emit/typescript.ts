/**
 * Printing TypeScript with ts-morph: each file's structure is printed in one pass (no Project, no
 * parse of the result). Expressions inside are laid out by layout.ts.
 */
import { createRequire } from "node:module";
import type * as TsMorph from "ts-morph";
import type { OptionalKind, SourceFileStructure } from "ts-morph";
import type { GeneratedFile } from "./file.js";

/**
 * ts-morph is loaded with require(): a static ESM import of this CommonJS package makes Node scan
 * the whole bundled TypeScript compiler for export names first (~0.4 s per CLI run).
 */
const tsMorph = createRequire(import.meta.url)("ts-morph") as typeof TsMorph;
const { printStructure } = tsMorph;

/** ts-morph's structure kinds, for the emitters. */
export const { StructureKind } = tsMorph;

/**
 * Prints source files from ts-morph structures with pinned settings: 2 spaces, double quotes, LF.
 * `printStructure` writes the text directly; creating a source file in a Project would also parse it.
 */
export class TypeScriptPrinter {
  /** Prints the structure, prefixed by the header. */
  print(path: string, header: string, structure: OptionalKind<SourceFileStructure>): GeneratedFile {
    const text = printStructure(
      { ...structure, kind: StructureKind.SourceFile },
      { indentNumberOfSpaces: 2, newLine: "\n", useSingleQuote: false },
    );
    return { path, contents: `${header}\n${text.endsWith("\n") ? text : `${text}\n`}` };
  }
}

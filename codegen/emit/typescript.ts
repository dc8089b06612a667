/**
 * Printing TypeScript with ts-morph: one in-memory project per generation run (creating a project
 * per file is the slow path), structures printed in one pass. Expressions are laid out by layout.ts.
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
const { IndentationText, NewLineKind, Project, QuoteKind } = tsMorph;

/** ts-morph's structure kinds, for the emitters. */
export const { StructureKind } = tsMorph;

/** Builds source files from ts-morph structures. */
export class TypeScriptPrinter {
  readonly #project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: {
      indentationText: IndentationText.TwoSpaces,
      quoteKind: QuoteKind.Double,
      newLineKind: NewLineKind.LineFeed,
      useTrailingCommas: true,
    },
  });

  /** Prints the structure, prefixed by the header. */
  print(path: string, header: string, structure: OptionalKind<SourceFileStructure>): GeneratedFile {
    const file = this.#project.createSourceFile(`/out/${path}`, structure, { overwrite: true });
    const text = file.getFullText();
    this.#project.removeSourceFile(file);
    return { path, contents: `${header}\n${text}` };
  }
}

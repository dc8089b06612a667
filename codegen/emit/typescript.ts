/**
 * Printing TypeScript with ts-morph: one in-memory project per generation run (creating a project
 * per file is the slow path), structures printed in one pass. Expressions are laid out by layout.ts.
 */
import {
  IndentationText,
  NewLineKind,
  Project,
  QuoteKind,
  type OptionalKind,
  type SourceFileStructure,
} from "ts-morph";
import type { GeneratedFile } from "./file.js";

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

/**
 * Printing TypeScript with ts-morph: one in-memory project per generation run (creating a project
 * per file is the slow path), structures printed in one pass. Expressions are laid out by layout.ts;
 * prettier formats only json-schema-to-typescript's output (payloads.ts).
 */
import { format } from "prettier";
import {
  IndentationText,
  NewLineKind,
  Project,
  QuoteKind,
  type OptionalKind,
  type SourceFileStructure,
} from "ts-morph";
import type { GeneratedFile } from "./file.js";

/** Prettier options of generated code (the repository's own style, fixed here so output never drifts). */
export const GENERATED_PRETTIER_OPTIONS = {
  parser: "typescript",
  printWidth: 110,
  tabWidth: 2,
  useTabs: false,
  semi: true,
  singleQuote: false,
  quoteProps: "as-needed",
  trailingComma: "all",
  bracketSpacing: true,
  arrowParens: "always",
  endOfLine: "lf",
} as const;

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

/** Formats TypeScript text with the pinned options; LF line ends, one final newline. */
export async function formatTypeScript(text: string): Promise<string> {
  return await format(text, GENERATED_PRETTIER_OPTIONS);
}

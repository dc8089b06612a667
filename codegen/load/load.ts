import { basename } from "node:path";
import { normalise } from "../model/normalise.js";
import type { SchemaModel } from "../model/model.js";
import { SchemaErrors, type LocatedIssue } from "./issue.js";
import { parseSource } from "./parse.js";

/**
 * The load stage: parses schema text (YAML or JSON) and normalises it.
 * Throws {@link SchemaErrors} carrying every problem of the file, each with its line and column.
 * @param file the path printed in error messages; its base name goes into generated headers
 */
export function loadSchema(file: string, text: string): SchemaModel {
  const source = parseSource(file, text);
  if (source.syntaxIssues.length > 0) throw new SchemaErrors(source.syntaxIssues);
  const result = normalise(source.value, basename(file));
  if (result.model === undefined) {
    const located: LocatedIssue[] = result.issues.map((issue) => source.locate(issue));
    located.sort((a, b) => a.line - b.line || a.col - b.col);
    throw new SchemaErrors(located);
  }
  return result.model;
}

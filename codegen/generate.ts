/**
 * The pure core of `jobgen generate`: schema text in, generated files out. No file IO here; the
 * CLI reads the schema and writes (or compares) the files.
 */
import { emitChecks } from "./emit/checks.js";
import { emitEnqueue } from "./emit/enqueue.js";
import { DEFAULT_RUNTIME_SPECIFIER, type GeneratedFile } from "./emit/file.js";
import { emitHandlers } from "./emit/handlers.js";
import { fileHeader } from "./emit/header.js";
import { emitIndex } from "./emit/index-file.js";
import { emitPayloads } from "./emit/payloads.js";
import { emitRegistry } from "./emit/registry.js";
import { emitSchemaJson } from "./emit/schema-json.js";
import { emitValidators } from "./emit/validators.js";
import { emitWorker } from "./emit/worker.js";
import { loadSchema } from "./load/load.js";
import { JOBGEN_VERSION } from "./version.js";

export { DEFAULT_RUNTIME_SPECIFIER };

export interface GenerateOptions {
  /** Module specifier of the runtime in generated imports. @defaultValue {@link DEFAULT_RUNTIME_SPECIFIER} */
  readonly runtime?: string;
  /** Version printed in headers. @defaultValue jobgen's package version */
  readonly jobgenVersion?: string;
}

/**
 * Loads the schema and emits every generated file, sorted by path.
 * Throws `SchemaErrors` (every problem of the file) when the schema is invalid.
 * @param file the schema's path, for error messages (its base name goes into headers)
 */
export async function generate(
  file: string,
  text: string,
  options: GenerateOptions = {},
): Promise<GeneratedFile[]> {
  const model = loadSchema(file, text);
  const emitOptions = {
    runtime: options.runtime ?? DEFAULT_RUNTIME_SPECIFIER,
    jobgenVersion: options.jobgenVersion ?? JOBGEN_VERSION,
  };
  const header = fileHeader(model, emitOptions.jobgenVersion);
  const files = [
    emitChecks(model, header, emitOptions),
    emitEnqueue(model, header, emitOptions),
    emitHandlers(model, header, emitOptions),
    emitIndex(model, header),
    emitPayloads(model, header),
    emitRegistry(model, header, emitOptions),
    emitValidators(model, header, emitOptions),
    emitWorker(model, header, emitOptions),
    emitSchemaJson(model, emitOptions),
  ];
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The runtime module generated code imports when `--runtime` is not given. */
export const DEFAULT_RUNTIME_SPECIFIER = "@jobgen/runtime";

/** One generated file: its path relative to the output directory and its full text (LF only). */
export interface GeneratedFile {
  readonly path: string;
  readonly contents: string;
}

/** What every emitter is given besides the model. */
export interface EmitOptions {
  /** Module specifier generated code imports the runtime from (`@jobgen/runtime`). */
  readonly runtime: string;
  /** jobgen's version, printed in headers. */
  readonly jobgenVersion: string;
}

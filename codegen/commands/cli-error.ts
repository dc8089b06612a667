import { EXIT_FAILED, EXIT_USAGE } from "../exit-codes.js";

/** A user-facing failure: printed as one line (plus detail lines), never with a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_USAGE,
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** A failure of the thing checked (stale output), as opposed to a usage mistake. */
export function failed(message: string, details: readonly string[] = []): CliError {
  return new CliError(message, EXIT_FAILED, details);
}

/**
 * `generate` is the default command, so `jobgen stat` would read `stat` as a schema path. A first
 * word that looks like a command (no extension, no path separator, no such file) and is none is
 * refused as an unknown command, with the closest command as a suggestion.
 */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { closest } from "../model/suggest.js";
import { CliError } from "./cli-error.js";

/** The usage error for `argv`'s first word when it is a mistyped command; `undefined` otherwise. */
export function unknownCommand(program: Command, argv: readonly string[]): CliError | undefined {
  const [word] = argv;
  if (word === undefined || word.startsWith("-") || /[./\\]/.test(word) || existsSync(word)) return undefined;
  const names = program.commands.flatMap((command) => [command.name(), ...command.aliases()]);
  if (names.includes(word) || word === "help") return undefined;
  const meant = closest(word, names);
  const commands = program.commands.map((command) => command.name()).join(", ");
  return new CliError(
    meant === undefined ? `unknown command "${word}"` : `unknown command "${word}"; did you mean "${meant}"?`,
    undefined,
    [`commands: ${commands} (see jobgen --help); a schema file is named with its extension, like jobs.yaml`],
  );
}

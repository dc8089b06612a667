/**
 * The jobgen CLI: a thin shell over the pure core. It parses argv, runs one command, and maps
 * failures to exit codes: schema errors and user mistakes print clear lines, never a stack trace.
 */
import { Command, CommanderError } from "commander";
import { CliError } from "./commands/cli-error.js";
import { COMMANDS } from "./commands/index.js";
import { unknownCommand } from "./commands/unknown-command.js";
import { EXIT_CODES_HELP, EXIT_FAILED, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE } from "./exit-codes.js";
import { formatIssue, SchemaErrors } from "./load/issue.js";
import { JOBGEN_VERSION } from "./version.js";

/** Builds the program with every command registered. */
export function createProgram(): Command {
  const program = new Command("jobgen")
    .description("Schema-first typed jobs on Redis Streams: generate the typed client from jobs.yaml")
    .version(JOBGEN_VERSION)
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", `\n${EXIT_CODES_HELP}\n\nExample:\n  $ jobgen generate jobs.yaml --out generated`);
  for (const register of COMMANDS) register(program);
  program.commands.forEach((command) => command.addHelpText("after", `\n${EXIT_CODES_HELP}`));
  program.exitOverride();
  program.commands.forEach((command) => command.exitOverride());
  return program;
}

/** Runs the CLI and returns the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    const program = createProgram();
    const mistyped = unknownCommand(program, argv);
    if (mistyped !== undefined) throw mistyped;
    await program.parseAsync([...argv], { from: "user" });
    return EXIT_OK;
  } catch (error) {
    return report(error);
  }
}

function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has printed its message (or the help / version) already.
    return error.code === "commander.helpDisplayed" ||
      error.code === "commander.version" ||
      error.code === "commander.help"
      ? EXIT_OK
      : EXIT_USAGE;
  }
  if (error instanceof SchemaErrors) {
    const first = error.issues[0];
    console.error(`jobgen: ${first?.file ?? "schema"} has ${error.message}:`);
    for (const issue of error.issues) console.error(formatIssue(issue));
    return EXIT_FAILED;
  }
  if (error instanceof CliError) {
    console.error(`jobgen: ${error.message}`);
    for (const line of error.details) console.error(line);
    return error.exitCode;
  }
  console.error("jobgen: internal error (please report it with the schema that caused it):");
  console.error(error);
  return EXIT_INTERNAL;
}

process.exitCode = await runCli(process.argv.slice(2));

/** The exit codes of the jobgen CLI; documented in `jobgen --help` and codegen/CLI.md. */
export const EXIT_OK = 0;
/** The schema has errors, or (`check`) the generated files are stale. */
export const EXIT_FAILED = 1;
/** Bad command line, unreadable file, or `init` refusing to overwrite. */
export const EXIT_USAGE = 2;
/** A bug in jobgen (the stack trace is printed). */
export const EXIT_INTERNAL = 3;
/** Redis unreachable or refusing the connection (operations commands, `npm run demo`). */
export const EXIT_REDIS = 4;

export const EXIT_CODES_HELP = [
  "Exit codes:",
  `  ${EXIT_OK}  success`,
  `  ${EXIT_FAILED}  the schema has errors, (check) the generated files are stale, (diff) a change breaks`,
  `     compatibility, (enqueue) an invalid`,
  `     payload, (dlq) entries refused by replay or no such entry`,
  `  ${EXIT_USAGE}  bad arguments, unreadable file, or init refusing to overwrite`,
  `  ${EXIT_INTERNAL}  internal error in jobgen (please report it)`,
  `  ${EXIT_REDIS}  Redis unreachable (stats, dlq, enqueue, dashboard): the message names the URL`,
].join("\n");

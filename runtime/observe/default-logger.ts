/**
 * The logger jobgen uses when none is given: pino at level `info` writing JSON lines to stdout
 * through a buffered destination. Lines are written in blocks of about 4 KB, and at least every
 * 250 ms, instead of one write per line: at tens of thousands of tasks a second, one `task
 * succeeded` write per task was ~15 % of the worker's CPU (bench/README.md). Pending lines are
 * flushed when the process exits normally (pino registers the flush); a process killed with
 * SIGKILL loses at most the last block. One destination is shared by every default logger.
 */
import pino, { type Logger } from "pino";

/** Bytes buffered before a write. */
const BUFFER_BYTES = 4096;
/** Longest a line waits in the buffer, in ms. */
const FLUSH_INTERVAL_MS = 250;

let shared: Logger | undefined;

export function defaultLogger(): Logger {
  shared ??= pino(
    { level: "info" },
    pino.destination({ dest: 1, sync: false, minLength: BUFFER_BYTES, periodicFlush: FLUSH_INTERVAL_MS }),
  );
  return shared;
}

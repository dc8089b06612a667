/** The signals `worker.stopOnSignals()` handles when given none: what process managers send to stop. */
export const DEFAULT_STOP_SIGNALS: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT"];

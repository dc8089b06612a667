/** The upcasts a worker is given: checked against its queues once, applied by the validation middleware. */
import { ConfigError } from "../errors.js";
import type { AnyUpcasts, TaskRegistry } from "../types.js";

/** Every task of the consumed queues that keeps earlier payload versions needs an upcast from each. */
export function checkUpcasts(
  registry: TaskRegistry,
  queues: readonly string[],
  upcasts: Readonly<Record<string, AnyUpcasts>>,
): void {
  const missing: string[] = [];
  for (const task of Object.values(registry.tasks)) {
    if (!queues.includes(task.queue)) continue;
    const given = Object.hasOwn(upcasts, task.name) ? upcasts[task.name] : undefined;
    for (const version of Object.keys(task.previousVersions ?? {})) {
      const key = `fromV${version}`;
      if (given === undefined || !Object.hasOwn(given, key)) missing.push(`${task.name}.${key}`);
    }
  }
  if (missing.length > 0) {
    throw new ConfigError(
      `no upcast ${missing.join(", ")}: a task that keeps earlier payload versions needs an upcast from each ` +
        "(the third argument of createWorker)",
    );
  }
}

/**
 * Checks of option values shared by every options resolver (worker, provider, producer, admin).
 * `where` names the option's owner in the message, e.g. "worker option" gives
 * "worker option `count` must be a positive integer, got 0". Each throws {@link ConfigError}.
 */
import { toMilliseconds, type Duration } from "./duration.js";
import { ConfigError } from "./errors.js";

export function positiveInteger(value: number | undefined, name: string, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value <= 0) {
    throw new ConfigError(`${where} \`${name}\` must be a positive integer, got ${value}`);
  }
  return value;
}

/** A whole number ≥ 0 (0 turns the behaviour off). */
export function wholeNumber(value: number | undefined, name: string, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 0) {
    throw new ConfigError(`${where} \`${name}\` must be a whole number ≥ 0, got ${value}`);
  }
  return value;
}

/** A duration in milliseconds (0 allowed). */
export function duration(value: Duration | undefined, name: string, where: string): number | undefined {
  if (value === undefined) return undefined;
  try {
    return toMilliseconds(value, `${where} \`${name}\``);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

/** A duration that must be above zero; whole milliseconds (Redis takes integers). */
export function positiveDuration(
  value: Duration | undefined,
  name: string,
  where: string,
): number | undefined {
  const ms = duration(value, name, where);
  if (ms === undefined) return undefined;
  if (ms < 1) throw new ConfigError(`${where} \`${name}\` must be at least 1ms, got ${String(value)}`);
  return Math.round(ms);
}

export function oneOf<T extends string>(
  value: T | undefined,
  allowed: readonly T[],
  name: string,
  where: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value)) {
    throw new ConfigError(
      `${where} \`${name}\` must be one of ${allowed.join(", ")}; got "${String(value)}"`,
    );
  }
  return value;
}

/** Names of the schema's queues to consume: at least one, each known to the registry. */
export function queueNames(
  value: readonly string[] | undefined,
  known: Readonly<Record<string, unknown>>,
  where: string,
): readonly string[] {
  const queues = value ?? Object.keys(known);
  if (queues.length === 0) throw new ConfigError(`${where} \`queues\` is empty; name at least one queue`);
  for (const queue of queues) {
    if (!Object.hasOwn(known, queue)) {
      throw new ConfigError(
        `${where} \`queues\` names "${queue}", which is not a queue of the schema ` +
          `(queues: ${Object.keys(known).join(", ")})`,
      );
    }
  }
  return queues;
}

/**
 * The idempotency helper a handler uses for its side effect: the effect is a `SET NX` of a key
 * per task, so a task that runs twice (at-least-once delivery) has its effect once.
 */
import type { Redis } from "ioredis";

export function effectKey(keyPrefix: string, taskId: string): string {
  return `${keyPrefix}effect:${taskId}`;
}

/** Performs the side effect unless it already happened; `true` when this call performed it. */
export async function effectOnce(
  redis: Redis,
  keyPrefix: string,
  taskId: string,
  by: string,
): Promise<boolean> {
  return (await redis.set(effectKey(keyPrefix, taskId), by, "NX")) === "OK";
}

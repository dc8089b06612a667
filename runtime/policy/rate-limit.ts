/**
 * A task's `rateLimit: { limit, per, key? }`, enforced at the start of each attempt, across all
 * workers, by GCRA in Redis (RATE_ADMIT): starts of one bucket are at least `per / limit` apart, so
 * at most `limit` start in any window of `per`. A task that may not start yet gets the next free
 * start reserved and waits for it in the delayed set: no retry is counted, its delivery count starts
 * afresh when it is back on the stream, and no worker polls for it. Its wait is counted as
 * throttled time (metrics).
 *
 * Buckets: one per task type, or, with `key`, one per value of that payload field (per-tenant
 * limits); a payload without the field (or one that is not JSON) uses the bucket `null`; a value
 * whose JSON is longer than 64 characters is named by its sha256.
 */
import { createHash } from "node:crypto";
import type { TaskDefinition } from "../types.js";
import type { Provider } from "../worker/provider.js";
import type { TaskRun, WorkerState } from "../worker/state.js";

/** The longest bucket name kept as it is. */
const MAX_BUCKET_NAME = 64;

/** The bucket of a task: `*` without a key, else the key's value as JSON (`"acme"`, `42`, `null`). */
export function rateBucket(definition: TaskDefinition, payload: string | undefined): string {
  const path = definition.rateLimit?.key;
  if (path === undefined) return "*";
  let value: unknown;
  try {
    value = payload === undefined ? undefined : JSON.parse(payload);
  } catch {
    value = undefined;
  }
  for (const name of path) {
    value =
      typeof value === "object" && value !== null && Object.hasOwn(value, name)
        ? (value as Record<string, unknown>)[name]
        : undefined;
  }
  const bucket =
    typeof value === "string" || typeof value === "number" || typeof value === "boolean"
      ? JSON.stringify(value)
      : "null";
  // A long value would make a long key: such buckets are named by a digest of the value.
  return bucket.length <= MAX_BUCKET_NAME ? bucket : `#${createHash("sha256").update(bucket).digest("hex")}`;
}

/** `true` when the task must wait for a later start (it now waits in the delayed set). */
export async function waitForRate(
  worker: WorkerState,
  run: TaskRun,
  definition: TaskDefinition,
  provider: Provider,
): Promise<boolean> {
  const limit = definition.rateLimit;
  if (limit === undefined) return false;
  const { task } = run;
  const bucket = rateBucket(definition, task.payload);
  const waitMs = await provider.policy.admitRate(task, bucket, limit.perMs / limit.limit);
  if (waitMs <= 0) return false;
  if (await provider.policy.waitUntilStart(task, waitMs)) {
    worker.metrics.recordThrottled(definition.name, "rate_limit", waitMs);
    worker.logger.debug(
      { taskId: task.id, type: definition.name, bucket, waitMs },
      "rate limited: waits for its start",
    );
  }
  return true;
}

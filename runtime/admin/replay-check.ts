/**
 * Whether `dlq replay` would take a DLQ entry back now: its task type is in the current registry,
 * its payload is JSON, and it passes the schema of its payload version (the current one, or an
 * earlier one the schema keeps, which the worker upcasts when it runs the task). Replay applies
 * this verdict; the dashboard shows it before anyone clicks.
 */
import { toValidationIssues, type ValidationIssue } from "../errors.js";
import type { TaskDefinition } from "../types.js";
import { unsafeIntegerIssues } from "../wire/exact-integers.js";
import { payloadVersionOf, schemaOfVersion, versionsRead } from "../wire/payload-versions.js";
import type { AdminContext } from "./context.js";
import { parsePayloadText, type DeadLetterEntry } from "./dead-letters.js";

/** The verdict on one entry. */
export type ReplayCheck =
  | {
      readonly ok: true;
      /** The queue whose stream the entry goes back to (its task's queue now). */
      readonly queue: string;
      /** The entry's payload version (1 when it carries none). */
      readonly version: number;
      /** The version producers write now; a smaller `version` is upcast by the worker. */
      readonly currentVersion: number;
    }
  | {
      readonly ok: false;
      readonly message: string;
      /** The validation issues against the current schema, when that is the reason. */
      readonly issues: readonly ValidationIssue[];
    };

/** The verdict on `entry` against the registry of `ctx` (its payload as stored, not redacted). */
export function checkReplay(ctx: AdminContext, entry: DeadLetterEntry): ReplayCheck {
  const task = ctx.taskNamed(entry.type);
  if (task === undefined) {
    return refused(`task type "${entry.type ?? "(none)"}" is not in the current schema`);
  }
  const parsed = parsePayloadText(entry.fields.payload);
  if (!parsed.ok) return refused(`the payload is not JSON: ${parsed.error}`);
  return checkVersioned(task, entry.fields, parsed.value);
}

function checkVersioned(
  task: TaskDefinition,
  fields: Readonly<Record<string, string>>,
  payload: unknown,
): ReplayCheck {
  const currentVersion = task.version ?? 1;
  const version = payloadVersionOf(fields);
  const schema = version === undefined ? undefined : schemaOfVersion(task, version);
  if (version === undefined || schema === undefined) {
    return refused(
      `the entry is payload version ${fields.payload_version ?? 1}; the current schema reads ${versionsRead(task)}`,
    );
  }
  const result = schema.validator.safeParse(payload);
  // The worker refuses integers JSON.parse would round, before its validator: so does replay.
  const issues = [
    ...(result.success ? [] : toValidationIssues(result.error.issues)),
    ...unsafeIntegerIssues(fields.payload ?? ""),
  ];
  if (issues.length > 0) {
    const at = version === currentVersion ? "" : ` (version ${version})`;
    return refused(`the payload is still invalid against the current schema${at}`, issues);
  }
  return { ok: true, queue: task.queue, version, currentVersion };
}

function refused(message: string, issues: readonly ValidationIssue[] = []): ReplayCheck {
  return { ok: false, message, issues };
}

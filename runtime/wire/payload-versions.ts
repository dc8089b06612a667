/**
 * Payload versions on the worker side. Every entry carries `payload_version` (absent: 1, as the Go
 * producer writes none) and `payload_schema`, the fingerprint of its producer's schema of that
 * version. A worker reads an entry of
 * - its current version: the task's validator;
 * - an earlier version the schema keeps: that version's validator, then the upcasts (`fromV1`,
 *   `fromV2`, ...) one version at a time, each result validated against the next version's schema,
 *   so the handler only ever gets the current type;
 * - a newer version: hands it back (a {@link DeferTaskError}: rescheduled without counting a retry,
 *   for a newer worker to take), then, after `maxDeferrals` hand-backs, `unknown_version`;
 * - an earlier version the schema no longer keeps: `unknown_version`.
 * A refused payload whose `payload_schema` differs from the worker's fingerprint of that version is
 * `version_skew` (its producer ran another schema), otherwise `validation`.
 */
import { VERSION_DEFERRAL_DELAY_CAP } from "../defaults.js";
import { formatIssues, toValidationIssues } from "../errors.js";
import type { AnyUpcasts, PayloadVersionDefinition, TaskDefinition } from "../types.js";
import type { DeliveredTask } from "../worker/provider.js";
import { deferralsOf } from "./codec.js";
import { TaskRejectedError } from "./validation.js";

/** How a worker treats entries of a newer payload version. */
export interface DeferralPolicy {
  /** Hand-backs before `unknown_version`. */
  readonly maxDeferrals: number;
  /** Delay before the first hand-back is offered again; doubled each time, up to 32 times this. */
  readonly delayMs: number;
}

/** An entry only a newer worker reads: reschedule it after `delayMs`, without counting a retry. */
export class DeferTaskError extends Error {
  constructor(
    readonly delayMs: number,
    message: string,
  ) {
    super(message);
    this.name = "DeferTaskError";
  }
}

/** The payload version of an entry's fields: absent → 1; `undefined` when it is not a version number. */
export function payloadVersionOf(fields: Readonly<Record<string, string>>): number | undefined {
  const text = Object.hasOwn(fields, "payload_version") ? fields.payload_version : undefined;
  if (text === undefined) return 1;
  return /^[1-9][0-9]{0,8}$/.test(text) ? Number(text) : undefined;
}

/** The validator and fingerprint a task reads entries of `version` with; `undefined` when it reads none. */
export function schemaOfVersion(definition: TaskDefinition, version: number): VersionSchema | undefined {
  if (version === (definition.version ?? 1)) return definition;
  return definition.previousVersions?.[version];
}

/** What a payload version is read with: its validator, compiled check and fingerprint. */
type VersionSchema = Pick<PayloadVersionDefinition, "validator" | "check" | "schemaHash">;

/** The versions a task reads, in words (`versions 1–3`, `version 2`). */
export function versionsRead(definition: TaskDefinition): string {
  const current = definition.version ?? 1;
  const kept = Object.keys(definition.previousVersions ?? {}).map(Number);
  const oldest = Math.min(current, ...kept);
  return oldest === current ? `version ${current}` : `versions ${oldest}–${current}`;
}

/**
 * The payload a handler gets from a parsed entry of a delivered task: validated at its own version,
 * upcast to the current one and validated again; or why not (see the module comment).
 */
export function readVersionedPayload(
  task: DeliveredTask,
  definition: TaskDefinition,
  value: unknown,
  upcasts: AnyUpcasts | undefined,
  policy: DeferralPolicy,
): unknown {
  const type = definition.name;
  const version = payloadVersionOf(task.fields);
  if (version === undefined) {
    throw new TaskRejectedError(
      "malformed",
      `payload_version ${JSON.stringify(task.fields.payload_version)} is not a version number`,
    );
  }
  const current = definition.version ?? 1;
  if (version > current) {
    const deferrals = deferralsOf(task.fields);
    if (deferrals < policy.maxDeferrals) {
      const delayMs = policy.delayMs * 2 ** Math.min(deferrals, Math.log2(VERSION_DEFERRAL_DELAY_CAP));
      throw new DeferTaskError(
        delayMs,
        `"${type}" entry is payload version ${version}; this worker reads ${versionsRead(definition)}: handed back for a newer worker`,
      );
    }
    throw new TaskRejectedError(
      "unknown_version",
      `"${type}" entry is payload version ${version}, newer than this worker reads (${versionsRead(definition)}), ` +
        `and no newer worker took it in ${deferrals} hand-backs: deploy workers that read version ${version}, ` +
        "then replay it (jobgen dlq replay --reason unknown_version)",
    );
  }
  const schema = schemaOfVersion(definition, version);
  if (schema === undefined) {
    throw new TaskRejectedError(
      "unknown_version",
      `"${type}" entry is payload version ${version}, which this worker no longer reads (${versionsRead(definition)}): ` +
        `keep version ${version} under previous in the schema, with its upcast, then replay it`,
    );
  }
  let payload = checkVersion(type, version, schema, value, task.fields.payload_schema);
  for (let from = version; from < current; from++) {
    const upcast = upcasts?.[`fromV${from}`];
    if (upcast === undefined) throw new Error(`no upcast fromV${from} for "${type}" on this worker`);
    const next = schemaOfVersion(definition, from + 1);
    if (next === undefined) throw new Error(`"${type}" keeps version ${from} but not ${from + 1}`);
    const upcastPayload = upcast(payload as never);
    if (next.check?.(upcastPayload) === true) {
      payload = upcastPayload;
      continue;
    }
    const result = next.validator.safeParse(upcastPayload);
    if (!result.success) {
      const issues = toValidationIssues(result.error.issues);
      throw new TaskRejectedError(
        "validation",
        `upcast fromV${from} of "${type}" returned a payload that does not match version ${from + 1}: ${formatIssues(issues)}`,
        { issues },
      );
    }
    payload = result.data;
  }
  return payload;
}

function checkVersion(
  type: string,
  version: number,
  schema: VersionSchema,
  value: unknown,
  written: string | undefined,
): unknown {
  if (schema.check?.(value) === true) return value;
  const result = schema.validator.safeParse(value);
  if (result.success) return result.data;
  const issues = toValidationIssues(result.error.issues);
  if (written !== undefined && schema.schemaHash !== undefined && written !== schema.schemaHash) {
    throw new TaskRejectedError(
      "version_skew",
      `"${type}" payload (version ${version}) was written against another schema than this worker's ` +
        `(producer's payload_schema ${written}, this worker's ${schema.schemaHash}) and does not match it: ` +
        `${formatIssues(issues)}; compare the two schemas with jobgen diff`,
      { issues },
    );
  }
  throw new TaskRejectedError(
    "validation",
    `payload does not match task "${type}": ${formatIssues(issues)}`,
    {
      issues,
    },
  );
}

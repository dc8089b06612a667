/**
 * The stream entry format, shared with the Go worker package: `payload` (JSON text), `type`,
 * `created_at` (RFC 3339), `retry` (retries done), `max_retry`, `timeout` (Go duration text),
 * `metadata` (JSON object text, carrying `type` as the Go consumer routes on it), every metadata
 * key also flattened into a field unless the name is reserved, and jobgen's own fields `id`,
 * `correlation_id` (only when one was given; the worker otherwise uses the task id), `traceparent`,
 * `last_error`, `payload_version` (absent: version 1), `payload_schema` (the fingerprint of the producer's
 * schema of that version) and `deferrals` (times a worker handed the entry back for a newer one).
 * `enqueued_at_ms` (written by earlier versions) is still read; `created_at` has ms precision.
 * An entry written without `id` (the Go producer, another language, a hand-written XADD) gets the
 * task id `<stream>/<entry id>` ({@link derivedTaskId}), written into its retries and dead letter.
 *
 * A field or metadata key named `__proto__` is never assigned plainly (objects are built with
 * `Object.fromEntries`, or that one key is defined as an own property), so it is plain data.
 */
import { isUtf8 } from "node:buffer";
import type { DeadLetterDetails, DeliveredTask } from "../worker/provider.js";
import type { Priority } from "../policy/priority.js";
import { formatGoDuration, parseDurationText } from "../duration.js";
import { DEAD_LETTER_FIELD_PREFIX, DEAD_LETTER_FIELDS } from "./dead-letter.js";

/** Field names a flattened metadata key never overwrites. */
export const RESERVED_FIELDS: ReadonlySet<string> = new Set([
  "payload",
  "type",
  "created_at",
  "retry",
  "max_retry",
  "timeout",
  "metadata",
  "id",
  "correlation_id",
  "traceparent",
  "enqueued_at_ms",
  "last_error",
  "payload_version",
  "payload_schema",
  "deferrals",
]);

function isReserved(name: string): boolean {
  return RESERVED_FIELDS.has(name) || name.startsWith(DEAD_LETTER_FIELD_PREFIX);
}

/** A task about to be written to a stream. */
export interface WireTask {
  readonly id: string;
  readonly type: string;
  /** The payload as JSON text. */
  readonly payload: string;
  readonly createdAt: Date;
  /** Retries already done. */
  readonly retry: number;
  readonly maxRetry: number;
  readonly timeoutMs: number;
  readonly metadata: Readonly<Record<string, string>>;
  readonly correlationId?: string | undefined;
  readonly traceparent?: string | undefined;
  /** The payload's version. @defaultValue 1 */
  readonly payloadVersion?: number | undefined;
  /** The fingerprint of the payload's schema, when the producer has one. */
  readonly payloadSchema?: string | undefined;
}

/**
 * The entry of a task as XADD takes it, `[field, value, field, value, ...]`, in a stable order
 * (Go fields first, then the flattened metadata keys that are not reserved).
 */
export function encodeTaskArgs(task: WireTask): string[] {
  const metadataKeys = Object.keys(task.metadata);
  const args = [
    "payload",
    task.payload,
    "type",
    task.type,
    "created_at",
    isoTime(task.createdAt.getTime()),
    "retry",
    String(task.retry),
    "max_retry",
    String(task.maxRetry),
    "timeout",
    goDuration(task.timeoutMs),
    "metadata",
    metadataKeys.length === 0
      ? typeOnlyMetadata(task.type)
      : JSON.stringify({ ...task.metadata, type: task.type }),
    "id",
    task.id,
    "payload_version",
    versionText(task.payloadVersion ?? 1),
  ];
  if (task.payloadSchema !== undefined) args.push("payload_schema", task.payloadSchema);
  // No correlation id given: the worker uses the task id, so none is written (less memory per task).
  if (task.correlationId !== undefined) args.push("correlation_id", task.correlationId);
  if (task.traceparent !== undefined) args.push("traceparent", task.traceparent);
  for (const key of metadataKeys) {
    if (!isReserved(key)) args.push(key, task.metadata[key] ?? "");
  }
  return args;
}

/** The entry fields of a task, in a stable order (Go fields first). */
export function encodeTaskFields(task: WireTask): Record<string, string> {
  return argsToFields(encodeTaskArgs(task));
}

/** RFC 3339 text of an instant in ms. */
const isoTime = rememberingLast((ms: number) => new Date(ms).toISOString());

/** The text of a payload version. */
const versionText = rememberingLast((version: number) => String(version));

/** Go duration text of a timeout in ms. */
const goDuration = rememberingLast(formatGoDuration);

/** The `metadata` field of a task without metadata. */
const typeOnlyMetadata = rememberingLast((type: string) => JSON.stringify({ type }));

/** `convert` remembering its last input and result: tasks written or read in a row mostly share both. */
function rememberingLast<T extends number | string, R>(convert: (value: T) => R): (value: T) => R {
  let lastValue: T | undefined;
  let lastResult!: R;
  return (value) => {
    if (value !== lastValue) {
      lastResult = convert(value);
      lastValue = value;
    }
    return lastResult;
  };
}

/** `[field, value, field, value, ...]` as XADD takes them. */
export function fieldsToArgs(fields: Readonly<Record<string, string>>): string[] {
  const args: string[] = [];
  for (const [field, value] of Object.entries(fields)) args.push(field, value);
  return args;
}

/**
 * Fields from a flat `[name, value, ...]` reply read as text (the worker's reads, XRANGE of the DLQ
 * for the CLI). Bytes that are not UTF-8 read as U+FFFD: see {@link bufferArgsToFields}.
 */
export function argsToFields(pairs: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) setField(fields, pairs[i] as string, pairs[i + 1] as string);
  return fields;
}

/**
 * Whether a value of a flat `[name, value, ...]` text reply holds U+FFFD, which is how bytes that
 * are not UTF-8 read: such an entry is read again as bytes ({@link bufferArgsToFields}).
 */
export function holdsReplacementChar(pairs: readonly string[]): boolean {
  for (let i = 1; i < pairs.length; i += 2) if ((pairs[i] as string).includes("\uFFFD")) return true;
  return false;
}

/** Fields read as bytes, decoded as UTF-8; `invalidUtf8` names those whose bytes are not valid UTF-8. */
export interface DecodedFields {
  readonly fields: Record<string, string>;
  /** `undefined` when every value is valid UTF-8 (the usual case: no array per entry). */
  readonly invalidUtf8: string[] | undefined;
}

/**
 * Fields from the flat reply of XREADGROUP/XAUTOCLAIM read as bytes. A value that is not valid
 * UTF-8 (written by another producer, or by hand) is kept as lossy text (U+FFFD) for the DLQ
 * record, and named in `invalidUtf8` so the worker rejects the entry instead of handling
 * replacement characters as if they were the payload. A repeated field keeps its last value.
 */
export function bufferArgsToFields(pairs: readonly Buffer[]): DecodedFields {
  const fields: Record<string, string> = {};
  let invalidUtf8: string[] | undefined;
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const name = (pairs[i] as Buffer).toString("utf8");
    const bytes = pairs[i + 1] as Buffer;
    if (!isUtf8(bytes)) (invalidUtf8 ??= []).push(name);
    setField(fields, name, bytes.toString("utf8"));
  }
  return { fields, invalidUtf8 };
}

/** `record[name] = value`, where a name `__proto__` is an own data field like any other. */
function setField(record: Record<string, string>, name: string, value: string): void {
  if (name === "__proto__") {
    Object.defineProperty(record, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    record[name] = value;
  }
}

/**
 * The task id of an entry that carries none: its stream and entry id, `tasks/1714954089123-0`.
 * Entry ids are unique only within one stream, so the stream makes the id unique across queues
 * (and with it the idempotency keys and logs that use `ctx.taskId`).
 */
export function derivedTaskId(stream: string, entryId: string): string {
  return `${stream}/${entryId}`;
}

/** Decodes an entry as read. Never throws: what cannot be read stays `undefined` for the worker to judge. */
export function decodeTask(
  queue: {
    readonly name: string;
    readonly stream: string;
    readonly partition?: number | undefined;
    readonly priority?: Priority | undefined;
  },
  entryId: string,
  fields: Readonly<Record<string, string>>,
  deliveryCount: number,
  invalidUtf8Fields?: readonly string[],
): DeliveredTask {
  const metadata = decodeMetadata(fields);
  const createdAt =
    decodeDate(fields.created_at) ?? decodeEpochMs(fields.enqueued_at_ms) ?? entryIdDate(entryId);
  const timeout = fields.timeout === undefined ? undefined : decodeTimeout(fields.timeout);
  return {
    queue: queue.name,
    partition: queue.partition,
    priority: queue.priority,
    entryId,
    id: nonEmpty(own(fields, "id")) ?? derivedTaskId(queue.stream, entryId),
    type: nonEmpty(own(fields, "type")) ?? nonEmpty(own(metadata, "type")),
    payload: own(fields, "payload"),
    retry: decodeCount(own(fields, "retry")) ?? 0,
    maxRetry: decodeCount(own(fields, "max_retry")),
    timeoutMs: timeout,
    metadata,
    correlationId: nonEmpty(own(fields, "correlation_id")) ?? nonEmpty(own(metadata, "correlation_id")),
    createdAt,
    deliveryCount,
    fields,
    invalidUtf8Fields,
  };
}

/**
 * The fields of the next attempt: `retry` + 1 and the error that caused it, and the task id (an
 * entry written without one keeps its derived id, though the retry is a new entry).
 */
export function retryFields(task: DeliveredTask, error: string): Record<string, string> {
  return { ...task.fields, id: task.id, retry: String(task.retry + 1), last_error: error };
}

/** The fields of an entry handed back for a newer worker: `deferrals` + 1, retries untouched, the task id kept. */
export function deferralFields(task: DeliveredTask): Record<string, string> {
  return { ...task.fields, id: task.id, deferrals: String(deferralsOf(task.fields) + 1) };
}

/** Times the entry was handed back for a newer worker (`deferrals`; absent: 0). */
export function deferralsOf(fields: Readonly<Record<string, string>>): number {
  return decodeCount(own(fields, "deferrals")) ?? 0;
}

/** The dead-letter record: every field of the entry plus the `dlq_*` fields. */
export function deadLetterFields(
  task: DeliveredTask,
  details: DeadLetterDetails,
  consumer: string,
  at: Date,
): Record<string, string> {
  return {
    ...task.fields,
    id: task.id,
    [DEAD_LETTER_FIELDS.reason]: details.reason,
    [DEAD_LETTER_FIELDS.error]: details.error,
    [DEAD_LETTER_FIELDS.details]: JSON.stringify(details.details ?? null),
    [DEAD_LETTER_FIELDS.at]: at.toISOString(),
    [DEAD_LETTER_FIELDS.queue]: task.queue,
    [DEAD_LETTER_FIELDS.entryId]: task.entryId,
    [DEAD_LETTER_FIELDS.consumer]: consumer,
  };
}

function own(record: Readonly<Record<string, string>>, key: string): string | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/**
 * The `metadata` JSON object (string values; numbers and booleans as text); else the non-reserved
 * fields. Entries read in a row mostly carry the same text (`{"type":"send_email"}`): they share
 * one frozen object, parsed once.
 */
function decodeMetadata(fields: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  const text = own(fields, "metadata");
  if (text !== undefined) {
    const parsed = parseMetadataText(text);
    if (parsed !== undefined) return parsed;
  }
  return Object.fromEntries(Object.entries(fields).filter(([key]) => !isReserved(key)));
}

/** The metadata of a `metadata` field's text, frozen; `undefined` when it is not a JSON object. */
const parseMetadataText = rememberingLast((text: string): Readonly<Record<string, string>> | undefined => {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
      const metadata: Record<string, string> = {};
      for (const key of Object.keys(parsed)) {
        const value: unknown = (parsed as Record<string, unknown>)[key];
        if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
          setField(metadata, key, String(value));
        }
      }
      return Object.freeze(metadata);
    }
  } catch {
    // an unreadable metadata field is treated as absent
  }
  return undefined;
});

/** The `timeout` field in ms. */
const decodeTimeout = rememberingLast(parseDurationText);

function decodeCount(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}

function decodeDate(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

function decodeEpochMs(text: string | undefined): Date | undefined {
  const ms = decodeCount(text);
  return ms === undefined ? undefined : new Date(ms);
}

function entryIdDate(entryId: string): Date {
  return new Date(Number(entryId.split("-")[0]) || 0);
}

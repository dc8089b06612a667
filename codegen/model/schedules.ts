/**
 * The `schedules:` section: name → { task, cron (with timezone) or every, payload, catchUp }. Each
 * schedule is checked here, its payload against its task's schema (the same validators as the
 * generated code), so a schedule that would enqueue a refused payload never reaches a worker.
 */
import { createRequire } from "node:module";
import {
  CATCH_UP_POLICIES,
  CRON_OPTIONS,
  FORBIDDEN_KEYS,
  MIN_SCHEDULE_EVERY_MS,
  parseDurationText,
  type CatchUpPolicy,
} from "@jobgen/runtime/contract";
import type { DocumentPath, SchemaIssue } from "../load/issue.js";
import { zodValidators } from "../emit/zod/evaluate.js";
import { isPlainObject, type JsonSchema } from "./json-schema.js";
import type { ScheduleModel, TaskModel } from "./model.js";
import { NAME_PATTERN } from "./naming.js";
import { didYouMean } from "./suggest.js";

const SCHEDULE_KEYS = ["task", "cron", "timezone", "every", "payload", "catchUp"];

/** Reads every schedule of the document; issues go to `issues`. */
export function readSchedules(
  raw: Record<string, unknown>,
  tasks: readonly TaskModel[],
  context: { readonly types: ReadonlyMap<string, JsonSchema>; readonly partitioned: ReadonlySet<string> },
  issues: SchemaIssue[],
): ScheduleModel[] {
  const { types, partitioned } = context;
  const schedules: ScheduleModel[] = [];
  const taskNames = tasks.map((task) => task.wireName);
  const validatorOf = zodValidators(types);
  for (const name of Object.keys(raw).sort()) {
    const path = ["schedules", name];
    const report = (where: DocumentPath, message: string, hint?: string, atKey = false): void => {
      issues.push({
        path: where,
        message,
        ...(hint === undefined ? {} : { hint }),
        ...(atKey ? { atKey } : {}),
      });
    };
    if (!NAME_PATTERN.test(name)) {
      report(
        path,
        `bad schedule name "${name}"`,
        "schedule names match [a-z][a-z0-9_.-]* (nightly_report)",
        true,
      );
      continue;
    }
    const value = raw[name];
    if (!isPlainObject(value)) {
      report(
        path,
        `schedule "${name}" must be a mapping`,
        'write it like { task: send_digest, cron: "0 8 * * *", payload: {} }',
      );
      continue;
    }
    const before = issues.length;
    for (const key of Object.keys(value)) {
      if (!SCHEDULE_KEYS.includes(key))
        report(
          [...path, key],
          `unknown key "${key}" in schedule "${name}"${didYouMean(key, SCHEDULE_KEYS)}`,
          `allowed keys: ${SCHEDULE_KEYS.join(", ")}`,
          true,
        );
    }
    const task = typeof value.task === "string" ? tasks.find((t) => t.wireName === value.task) : undefined;
    if (task === undefined)
      report(
        value.task === undefined ? path : [...path, "task"],
        value.task === undefined
          ? `schedule "${name}" names no task`
          : `unknown task ${JSON.stringify(value.task)}${typeof value.task === "string" ? didYouMean(value.task, taskNames) : ""}`,
        `declared tasks: ${taskNames.join(", ") || "(none)"}`,
        value.task === undefined,
      );
    if (task !== undefined && partitioned.has(task.queue))
      report(
        [...path, "task"],
        `task "${task.wireName}" is in the partitioned queue "${task.queue}"; jobgen does not schedule tasks of a partitioned queue`,
        "schedule a task of a queue without `partitions`",
      );
    const timing = readTiming(value, path, report);
    const catchUp = readCatchUp(value, path, report);
    let payload: unknown;
    if (!("payload" in value)) {
      report(
        path,
        `schedule "${name}" has no payload`,
        "add payload: the task's payload, such as payload: {}",
        true,
      );
    } else if (forbiddenKey(value.payload) !== undefined) {
      report(
        [...path, "payload"],
        `the payload holds the key "${forbiddenKey(value.payload) ?? ""}", which payloads may not have`,
        "rename that key",
      );
    } else if (task !== undefined) {
      const result = validatorOf(task.payload).safeParse(value.payload);
      if (result.success) payload = result.data;
      else {
        const problems = result.error.issues
          .map(
            (issue) =>
              `${issue.path.length === 0 ? "" : `${issue.path.map(String).join(".")}: `}${issue.message}`,
          )
          .join("; ");
        report(
          [...path, "payload"],
          `the payload does not match task "${task.wireName}": ${problems}`,
          "make the payload valid against the task's payload schema",
        );
      }
    }
    if (issues.length > before || task === undefined || timing === undefined) continue;
    schedules.push({ name, task: task.wireName, ...timing, catchUp, payload });
  }
  return schedules;
}

type Report = (path: DocumentPath, message: string, hint?: string, atKey?: boolean) => void;
type Timing = { cron: string; timezone: string } | { everyMs: number };

function readTiming(value: Record<string, unknown>, path: DocumentPath, report: Report): Timing | undefined {
  const { cron, every, timezone } = value;
  if ((cron === undefined) === (every === undefined)) {
    report(
      cron === undefined ? path : [...path, "every"],
      cron === undefined ? "the schedule has neither cron nor every" : "the schedule has both cron and every",
      'give one: cron: "0 3 * * *" (with timezone: Europe/Berlin), or every: 5m',
      cron === undefined,
    );
    return undefined;
  }
  if (every !== undefined) {
    if (timezone !== undefined)
      report(
        [...path, "timezone"],
        "timezone goes with cron, not with every",
        "remove timezone, or use cron",
      );
    const everyMs = typeof every === "string" ? parseDurationText(every) : undefined;
    if (everyMs === undefined || everyMs < MIN_SCHEDULE_EVERY_MS || everyMs % 1000 !== 0) {
      report(
        [...path, "every"],
        `bad every ${JSON.stringify(every)}`,
        "write whole seconds of at least 1s, like 30s, 5m or 1h",
      );
      return undefined;
    }
    return { everyMs };
  }
  const zone = timezone ?? "UTC";
  if (typeof zone !== "string" || !isTimeZone(zone)) {
    report(
      [...path, "timezone"],
      `unknown timezone ${JSON.stringify(timezone)}`,
      "write an IANA timezone such as UTC, Europe/Berlin or America/New_York",
    );
    return undefined;
  }
  const problem = typeof cron === "string" ? cronProblem(cron, zone) : "cron must be text";
  if (problem !== undefined) {
    report(
      [...path, "cron"],
      `bad cron ${JSON.stringify(cron)}: ${problem}`,
      'write 5 fields (minute hour day month weekday), or 6 with leading seconds: "0 3 * * *", "*/10 * * * * *"',
    );
    return undefined;
  }
  return { cron: cron as string, timezone: zone };
}

function readCatchUp(value: Record<string, unknown>, path: DocumentPath, report: Report): CatchUpPolicy {
  const raw = value.catchUp;
  if (raw === undefined) return "none";
  if (typeof raw === "string" && (CATCH_UP_POLICIES as readonly string[]).includes(raw))
    return raw as CatchUpPolicy;
  report(
    [...path, "catchUp"],
    `bad catchUp ${JSON.stringify(raw)}`,
    `catchUp is one of ${CATCH_UP_POLICIES.join(", ")} (ticks missed while no worker ran)`,
  );
  return "none";
}

/** A key of `value`, at any depth, that payloads may not have (`__proto__`, ...). */
function forbiddenKey(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (FORBIDDEN_KEYS.has(key)) return key;
    const inner = forbiddenKey(item);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The cron library, loaded on the first cron schedule only: the CLI starts no slower without one. */
let cronClass: typeof import("croner").Cron | undefined;

/** What croner finds wrong with `cron`, or `undefined` when it has a next run. */
function cronProblem(cron: string, timezone: string): string | undefined {
  cronClass ??= (createRequire(import.meta.url)("croner") as typeof import("croner")).Cron;
  try {
    const next = new cronClass(cron, { ...CRON_OPTIONS, timezone, paused: true }).nextRun();
    return next === null ? "it never runs" : undefined;
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).replace(/^CronPattern: /, "");
  }
}

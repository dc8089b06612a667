import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import {
  formatIssues,
  toValidationIssues,
  unsafeIntegerIssues,
  ValidationError,
  type ValidationIssue,
} from "@jobgen/runtime/contract";
import type { EnqueueOptions, TaskDefinition, TaskRegistry } from "@jobgen/runtime";
import { EXIT_FAILED, EXIT_USAGE } from "../exit-codes.js";
import { didYouMean } from "../model/suggest.js";
import { CliError } from "../commands/cli-error.js";
import {
  asCliError,
  printJson,
  redisUrlOf,
  registryOf,
  withAdmin,
  withOperationsOptions,
  type OperationsFlags,
} from "./connect.js";

interface EnqueueFlags extends OperationsFlags {
  readonly payload: string;
  readonly delay?: string;
  readonly idempotencyKey?: string;
  readonly correlationId?: string;
  readonly metadata: readonly string[];
}

/** `jobgen enqueue <task> --payload <json|@file>`: validated like the typed producer, then written. */
export function registerEnqueue(program: Command): void {
  withOperationsOptions(
    program
      .command("enqueue")
      .description("validate a payload against the schema and enqueue it, as the typed producer does")
      .argument("<task>", "task type, as named in the schema (send_email)"),
  )
    .requiredOption("--payload <json|@file>", "the payload as JSON text, or @path of a JSON file")
    .option("--delay <duration>", "run no earlier than this from now (250ms, 30s, 5m, 1h30m)")
    .option("--idempotency-key <key>", "do not enqueue again while a task with this key is known")
    .option("--correlation-id <id>", "correlation id for logs and traces (default: a new one)")
    .option("--metadata <key=value>", "metadata carried with the task (repeatable)", collect, [])
    .addHelpText(
      "after",
      `\nExamples:\n  $ jobgen enqueue send_email --payload '{"to":"ann@example.com","subject":"Hi"}'\n` +
        "  $ jobgen enqueue process_order --payload @order.json --delay 5m",
    )
    .action(async (type: string, flags: EnqueueFlags) => {
      const registry = await registryOf(flags);
      if (!Object.hasOwn(registry.tasks, type)) {
        const known = Object.keys(registry.tasks);
        throw new CliError(
          `unknown task "${type}" in ${flags.schema}${didYouMean(type, known)}`,
          EXIT_USAGE,
          [`tasks: ${known.join(", ")}`],
        );
      }
      const text = await payloadText(flags.payload);
      const payload = parsePayload(text);
      const options = enqueueOptions(flags);
      checkPayload(registry, type, payload, text, flags.json);
      // Fail fast, with the URL, when Redis does not answer (the producer would keep retrying).
      await withAdmin(flags, registry, async () => {});
      const [{ createProducer }, { pino }] = await Promise.all([import("@jobgen/runtime"), import("pino")]);
      const producer = createProducer(registry, {
        redis: redisUrlOf(flags),
        keyPrefix: flags.prefix,
        logger: pino({ level: "silent" }),
      });
      try {
        const task = await producer.enqueue(type, payload, options);
        if (flags.json) return printJson(task);
        const where =
          task.entryId !== null ? `entry ${task.entryId}` : `delayed until ${task.runAt?.toISOString()}`;
        console.log(
          task.deduplicated
            ? `not enqueued again: idempotency key matches task ${task.id}`
            : `enqueued ${type} as task ${task.id} on queue ${task.queue} (${where})`,
        );
      } catch (error) {
        throw asCliError(error);
      } finally {
        await producer.close();
      }
    });
}

function collect(value: string, previous: readonly string[]): string[] {
  return [...previous, value];
}

async function payloadText(option: string): Promise<string> {
  if (!option.startsWith("@")) return option;
  const file = option.slice(1);
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read payload file "${file}": ${(error as Error).message}`, EXIT_USAGE);
  }
}

function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`--payload is not JSON: ${(error as Error).message}`, EXIT_USAGE, [
      `write it like --payload '{"to":"ann@example.com"}' or --payload @payload.json`,
    ]);
  }
}

function enqueueOptions(flags: EnqueueFlags): EnqueueOptions {
  const metadata: Record<string, string> = {};
  for (const pair of flags.metadata) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new CliError(`--metadata "${pair}" is not key=value`, EXIT_USAGE);
    Object.defineProperty(metadata, pair.slice(0, eq), { value: pair.slice(eq + 1), enumerable: true });
  }
  return {
    ...(flags.delay === undefined ? {} : { delay: flags.delay }),
    ...(flags.idempotencyKey === undefined ? {} : { idempotencyKey: flags.idempotencyKey }),
    ...(flags.correlationId === undefined ? {} : { correlationId: flags.correlationId }),
    ...(flags.metadata.length === 0 ? {} : { metadata }),
  };
}

/**
 * What is wrong with a payload given as JSON `text` (and parsed into `payload`): the task's
 * validator's issues, and integers outside ±(2^53 − 1), which JSON.parse may already have rounded
 * (the worker refuses them as written). Empty when the payload may be enqueued.
 */
export function payloadIssues(task: TaskDefinition, payload: unknown, text: string): ValidationIssue[] {
  const result = task.validator.safeParse(payload);
  const issues: ValidationIssue[] = result.success ? [] : toValidationIssues(result.error.issues);
  return [...issues, ...unsafeIntegerIssues(text)];
}

/** Validates before connecting, so a wrong payload is reported even with Redis down. */
function checkPayload(
  registry: TaskRegistry,
  type: string,
  payload: unknown,
  text: string,
  json: boolean,
): void {
  const task = registry.tasks[type];
  const issues = task === undefined ? [] : payloadIssues(task, payload, text);
  if (issues.length === 0) return;
  const error = new ValidationError(type, issues);
  if (json) printJson({ error: "validation", task: type, issues: error.issues });
  throw new CliError(
    `invalid payload for task "${type}" (${error.issues.length} issue${error.issues.length === 1 ? "" : "s"}); nothing was enqueued`,
    EXIT_FAILED,
    error.issues.map((issue) => `  ${formatIssues([issue])}`),
  );
}

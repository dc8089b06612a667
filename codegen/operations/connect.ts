/**
 * What the operations commands (`stats`, `dlq`, `enqueue`) share: the `--redis`, `--schema`,
 * `--prefix` and `--json` options, the registry built from the schema file, the admin connection,
 * and the mapping of their failures to one clear line and an exit code. The runtime's Redis side is
 * imported only when a command runs, so `jobgen --help` and the generator start fast.
 */
import { Option, type Command } from "commander";
import type { Admin, TaskRegistry } from "@jobgen/runtime";
import { defaultRedisUrl } from "@jobgen/runtime/contract";
import { JobgenError, RedisError } from "@jobgen/runtime/contract";
import { EXIT_FAILED, EXIT_REDIS, EXIT_USAGE } from "../exit-codes.js";
import { CliError } from "../commands/cli-error.js";
import { DEFAULT_SCHEMA_FILE, readSchemaFile } from "../commands/files.js";
import type { SchemaModel } from "../model/model.js";

/** The options every operations command takes. */
export interface OperationsFlags {
  readonly redis: string | undefined;
  readonly schema: string;
  readonly prefix: string;
  readonly json: boolean;
}

/** Adds `--redis`, `--schema`, `--prefix` and `--json` to a command. */
export function withOperationsOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        "--redis <url>",
        "Redis URL (redis:// or rediss://); for a Redis Cluster, any node's URL or comma-separated seed URLs",
      )
        .env("REDIS_URL")
        .default(undefined, "redis://127.0.0.1:6379"),
    )
    .option("--schema <file>", "schema file the queues and tasks come from", DEFAULT_SCHEMA_FILE)
    .option("--prefix <prefix>", "key prefix the producers and workers use", "")
    .option("--json", "print the result as JSON (for scripts)", false);
}

/** The model of the schema file; schema errors are reported by the CLI with their positions. */
export async function modelOf(flags: OperationsFlags): Promise<SchemaModel> {
  const { loadSchema } = await import("../load/load.js");
  return loadSchema(flags.schema, await readSchemaFile(flags.schema));
}

/** The registry of the schema file (see {@link modelOf}). */
export async function registryOf(flags: OperationsFlags, model?: SchemaModel): Promise<TaskRegistry> {
  // The registry's validators load zod through the runtime: imported only when a command runs.
  const { registryFromModel } = await import("./schema-registry.js");
  return registryFromModel(model ?? (await modelOf(flags)));
}

export function redisUrlOf(flags: OperationsFlags): string {
  return flags.redis ?? defaultRedisUrl();
}

/**
 * Runs `work` with an admin connection checked to answer first, then closes it. Redis failures
 * become exit code {@link EXIT_REDIS}; bad queue names and entry references exit {@link EXIT_USAGE}.
 */
export async function withAdmin<T>(
  flags: OperationsFlags,
  registry: TaskRegistry,
  work: (admin: Admin) => Promise<T>,
): Promise<T> {
  const { createAdmin } = await import("@jobgen/runtime");
  const admin = createAdmin(registry, { redis: redisUrlOf(flags), keyPrefix: flags.prefix });
  try {
    await admin.ping();
    return await work(admin);
  } catch (error) {
    throw asCliError(error);
  } finally {
    await admin.close();
  }
}

/** A CLI error for what the runtime throws; anything unexpected is passed on as it is. */
export function asCliError(error: unknown): unknown {
  if (error instanceof CliError) return error;
  if (error instanceof RedisError) return new CliError(error.message, EXIT_REDIS);
  if (error instanceof RangeError) return new CliError(error.message, EXIT_USAGE);
  if (error instanceof JobgenError) return new CliError(error.message, EXIT_FAILED);
  return error;
}

/** Prints `value` as indented JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** `1.2s`, `3m4s`, `2h5m`: a short human duration. */
export function shortDuration(ms: number): string {
  if (ms < 1_000) return `${ms}ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${(ms / 1000).toFixed(1)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60}s`;
  return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
}

/** Rows as aligned columns, the first row being the header. */
export function table(rows: readonly (readonly (string | number)[])[]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, String(cell).length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? String(cell) : String(cell).padEnd(widths[i] ?? 0)))
        .join("  "),
    )
    .join("\n");
}

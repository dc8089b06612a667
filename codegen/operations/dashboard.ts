import type { Command } from "commander";
import { DEFAULT_DASHBOARD_HOST, DEFAULT_DASHBOARD_PORT } from "@jobgen/runtime/contract";
import { EXIT_USAGE } from "../exit-codes.js";
import { CliError } from "../commands/cli-error.js";
import { JOBGEN_VERSION } from "../version.js";
import {
  asCliError,
  modelOf,
  printJson,
  redisUrlOf,
  registryOf,
  withAdmin,
  withOperationsOptions,
  type OperationsFlags,
} from "./connect.js";

interface DashboardFlags extends OperationsFlags {
  readonly port: number;
  readonly host: string;
  readonly allowWrites: boolean;
}

/**
 * `jobgen dashboard`: the web dashboard on its own server (`@jobgen/runtime/dashboard`), with the
 * task types, policies and payload schemas of the schema file. Runs until Ctrl-C.
 */
export function registerDashboard(program: Command): void {
  withOperationsOptions(
    program
      .command("dashboard")
      .description(
        "serve a web page of the queues, task types, dead letters (with validation issues) and replay",
      ),
  )
    .option("--port <port>", "port to listen on (0 picks a free one)", parsePort, DEFAULT_DASHBOARD_PORT)
    .option(
      "--host <address>",
      "address to bind; anything but a loopback address is reachable by others",
      DEFAULT_DASHBOARD_HOST,
    )
    .option(
      "--allow-writes",
      "allow replay and purge from the page (each needs the write token printed at start)",
      false,
    )
    .addHelpText(
      "after",
      [
        "",
        "Read-only unless --allow-writes. Writes are POSTs that carry the write token (printed at start,",
        "and in the link it prints) and come from the page's own origin. Payload fields marked",
        "x-sensitive are redacted. Set JOBGEN_DASHBOARD_TOKEN to choose the token.",
        "",
        "Examples:",
        "  $ jobgen dashboard --schema jobs.yaml",
        "  $ jobgen dashboard --allow-writes --port 9000 --redis redis://10.0.0.5:6379",
      ].join("\n"),
    )
    .action(async (flags: DashboardFlags) => {
      const model = await modelOf(flags);
      const registry = await registryOf(flags, model);
      const { emitSchemaJson } = await import("../emit/schema-json.js");
      const schema = JSON.parse(
        emitSchemaJson(model, { runtime: "", jobgenVersion: JOBGEN_VERSION }).contents,
      );
      // Fail fast, with the URL, when Redis does not answer.
      await withAdmin(flags, registry, async () => {});
      const { startDashboardServer } = await import("@jobgen/runtime/dashboard");
      const server = await startDashboardServer({
        registry,
        schema,
        redis: redisUrlOf(flags),
        keyPrefix: flags.prefix,
        port: flags.port,
        host: flags.host,
        allowWrites: flags.allowWrites,
        token: process.env.JOBGEN_DASHBOARD_TOKEN || undefined,
      }).catch((error: unknown) => {
        const code = (error as { code?: unknown }).code;
        if (code === "EADDRINUSE") {
          throw new CliError(
            `port ${flags.port} on ${flags.host} is in use; pick another with --port`,
            EXIT_USAGE,
          );
        }
        throw asCliError(error);
      });
      const token = server.dashboard.token;
      const link = token === undefined ? server.url : `${server.url}#token=${encodeURIComponent(token)}`;
      if (flags.json) printJson({ url: server.url, link, token: token ?? null });
      else {
        console.log(`jobgen dashboard: ${link}`);
        console.log(
          token === undefined
            ? "read-only (start with --allow-writes to replay and purge)"
            : `writes allowed; write token: ${token} (the link carries it; scripts send it as x-jobgen-token)`,
        );
        if (!server.loopback) {
          console.log(
            `warning: bound to ${flags.host}: anyone who reaches it reads the queues and payloads; put it behind your authentication`,
          );
        }
        console.log("Ctrl-C to stop");
      }
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      await server.close();
    });
}

function parsePort(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) {
    throw new CliError(`--port must be an integer from 0 to 65535, got "${text}"`, EXIT_USAGE);
  }
  return n;
}

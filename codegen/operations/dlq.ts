import { createInterface } from "node:readline/promises";
import { Option, type Command } from "commander";
import type { Admin, DeadLetterFilter, RefusedReplay, ReplayProgress } from "@jobgen/runtime";
import { DEAD_LETTER_REASONS, DEFAULT_DLQ_PAGE_SIZE, formatIssues } from "@jobgen/runtime/contract";
import { EXIT_CODES_HELP, EXIT_FAILED, EXIT_USAGE } from "../exit-codes.js";
import { CliError } from "../commands/cli-error.js";
import {
  printJson,
  registryOf,
  table,
  withAdmin,
  withOperationsOptions,
  type OperationsFlags,
} from "./connect.js";

interface FilterFlags extends OperationsFlags {
  readonly type?: string;
  readonly reason?: string;
  readonly queue?: string;
}

/** Replay progress goes to stderr every this many entries (or {@link PROGRESS_INTERVAL_MS}). */
export const PROGRESS_EVERY_ENTRIES = 1000;
/** ... or this often, whichever comes first. */
export const PROGRESS_INTERVAL_MS = 1000;
/** Refusals printed one by one by `dlq replay`; the rest are counted. */
const REFUSALS_SHOWN = 20;

function filterOf(flags: FilterFlags): DeadLetterFilter {
  return {
    ...(flags.type === undefined ? {} : { type: flags.type }),
    ...(flags.reason === undefined ? {} : { reason: flags.reason }),
    ...(flags.queue === undefined ? {} : { queue: flags.queue }),
  };
}

function withFilters(command: Command): Command {
  return withOperationsOptions(command)
    .option("--type <task>", "only entries of this task type (wire name)")
    .addOption(new Option("--reason <reason>", "only entries with this reason").choices(DEAD_LETTER_REASONS))
    .option("--queue <queue>", "only this queue's dead-letter stream");
}

/** `jobgen dlq list|show|replay|purge`: inspect and act on the dead-letter streams. */
export function registerDlq(program: Command): void {
  const dlq = program
    .command("dlq")
    .description("inspect, replay or purge dead-lettered tasks")
    .addHelpText(
      "after",
      "\nExamples:\n  $ jobgen dlq list --reason validation\n  $ jobgen dlq show default/1700000000000-0\n" +
        "  $ jobgen dlq replay --type send_email\n  $ jobgen dlq purge --reason unknown_type --yes",
    );

  withFilters(dlq.command("list").description("list dead-lettered tasks, oldest first"))
    .option("--count <n>", "entries per page", parseCount, DEFAULT_DLQ_PAGE_SIZE)
    .option("--cursor <ref>", "continue after this entry (the previous page's `next`)")
    .action(async (flags: FilterFlags & { count: number; cursor?: string }) => {
      const registry = await registryOf(flags);
      const page = await withAdmin(flags, registry, (admin) =>
        admin.listDeadLetters(filterOf(flags), { count: flags.count, cursor: flags.cursor ?? null }),
      );
      if (flags.json) {
        return printJson({
          entries: page.entries.map(({ fields: _fields, ...entry }) => entry),
          nextCursor: page.nextCursor,
        });
      }
      if (page.entries.length === 0) {
        console.log("no dead-lettered tasks match");
        return;
      }
      const rows: string[][] = [["entry", "type", "reason", "retries", "dead-lettered at", "error"]];
      for (const e of page.entries) {
        rows.push([
          e.ref,
          e.type ?? "-",
          e.reason,
          String(e.retries),
          e.deadLetteredAt ?? "-",
          oneLine(e.error),
        ]);
      }
      console.log(table(rows));
      if (page.nextCursor !== null) console.log(`\nmore: jobgen dlq list --cursor ${page.nextCursor} ...`);
    });

  withOperationsOptions(
    dlq
      .command("show")
      .description("show one dead-lettered task; payload fields marked x-sensitive are redacted")
      .argument(
        "<entry>",
        "the entry as `dlq list` prints it (<queue>/<id>, <queue>/<partition>/<id> for a partitioned queue), or a bare entry id",
      ),
  ).action(async (ref: string, flags: OperationsFlags) => {
    const registry = await registryOf(flags);
    const view = await withAdmin(flags, registry, (admin) => admin.showDeadLetter(ref));
    if (view === undefined)
      throw new CliError(`no dead-lettered task "${ref}"; list them with: jobgen dlq list`, EXIT_FAILED);
    if (flags.json) return printJson(view);
    const { fields, payload, details, ...summary } = view;
    console.log(
      table([
        ["entry", summary.ref],
        ["task id", summary.taskId ?? "-"],
        ["type", summary.type ?? "-"],
        ["reason", summary.reason],
        ["error", oneLine(summary.error)],
        ["retries", String(summary.retries)],
        ["dead-lettered at", summary.deadLetteredAt ?? "-"],
      ]),
    );
    if (details !== null && details !== undefined)
      console.log(`\ndetails:\n${JSON.stringify(details, null, 2)}`);
    console.log(
      `\npayload:\n${payload === undefined ? `(not JSON) ${fields.payload ?? "(none)"}` : JSON.stringify(payload, null, 2)}`,
    );
    const other = Object.entries(fields).filter(
      ([name]) => !["payload", "dlq_details", "dlq_error"].includes(name),
    );
    console.log(`\nfields:\n${table(other.map(([name, value]) => [`  ${name}`, value]))}`);
  });

  withFilters(
    dlq
      .command("replay")
      .description(
        "re-validate dead-lettered tasks against the current schema and put the valid ones back on their stream",
      )
      .argument(
        "[entry]",
        "only this entry (<queue>/<id>, or <queue>/<partition>/<id>); without it, every entry matching the filters",
      ),
  ).action(async (ref: string | undefined, flags: FilterFlags) => {
    const registry = await registryOf(flags);
    const report = await withAdmin(flags, registry, (admin) =>
      admin.replayDeadLetters(
        { ...filterOf(flags), ...(ref === undefined ? {} : { ref }) },
        progressPrinter(),
      ),
    );
    if (flags.json) printJson(report);
    else {
      console.log(
        `replayed ${report.replayed} of ${report.seen}; ${report.refused} refused (left in the DLQ)`,
      );
      printRefusals(report.refusals);
    }
    if (ref !== undefined && report.seen === 0) {
      throw new CliError(
        `no dead-lettered task "${ref}" matches; list them with: jobgen dlq list`,
        EXIT_FAILED,
      );
    }
    if (report.refused > 0) {
      throw new CliError(
        `${report.refused} task${report.refused === 1 ? " was" : "s were"} refused and left in the DLQ; ` +
          "fix the schema or purge them (jobgen dlq purge)",
        EXIT_FAILED,
      );
    }
  });

  withFilters(
    dlq.command("purge").description("delete dead-lettered tasks (all, or those matching the filters)"),
  )
    .option("-y, --yes", "do not ask for confirmation (required when stdin is not a terminal)", false)
    .action(async (flags: FilterFlags & { yes: boolean }) => {
      const registry = await registryOf(flags);
      const filter = filterOf(flags);
      const purged = await withAdmin(flags, registry, async (admin) => {
        if (!flags.yes && !(await confirmPurge(admin, filter))) return undefined;
        return admin.purgeDeadLetters(filter);
      });
      if (purged === undefined) throw new CliError("nothing purged (not confirmed)", EXIT_FAILED);
      if (flags.json) printJson({ purged });
      else console.log(`purged ${purged} dead-lettered task${purged === 1 ? "" : "s"}`);
    });

  for (const command of dlq.commands) {
    command.addHelpText("after", `\n${SUBCOMMAND_EXAMPLES[command.name()] ?? ""}\n\n${EXIT_CODES_HELP}`);
    command.exitOverride();
  }
}

/** The example each `dlq` subcommand's --help ends with, before the exit codes. */
const SUBCOMMAND_EXAMPLES: Readonly<Record<string, string>> = {
  list: [
    "Examples:",
    "  $ jobgen dlq list --reason validation --queue default",
    "  $ jobgen dlq list --type send_email --json | jq '.entries[].ref'",
  ].join("\n"),
  show: "Example:\n  $ jobgen dlq show default/1700000000000-0",
  replay: [
    "Examples (replay re-validates against the current schema; refused entries stay, exit 1):",
    "  $ jobgen dlq replay --reason validation --type send_email",
    "  $ jobgen dlq replay default/1700000000000-0",
  ].join("\n"),
  purge: "Example:\n  $ jobgen dlq purge --reason unknown_type --yes",
};

function parseCount(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new CliError(`--count must be a positive integer, got "${text}"`, EXIT_USAGE);
  return n;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}

/** Progress on stderr every {@link PROGRESS_EVERY_ENTRIES} entries or {@link PROGRESS_INTERVAL_MS}. */
function progressPrinter(): (progress: ReplayProgress) => void {
  let lastAt = Date.now();
  return (p) => {
    if (p.seen % PROGRESS_EVERY_ENTRIES !== 0 && Date.now() - lastAt < PROGRESS_INTERVAL_MS) return;
    lastAt = Date.now();
    process.stderr.write(`replay: ${p.seen} seen, ${p.replayed} replayed, ${p.refused} refused\n`);
  };
}

function printRefusals(refusals: readonly RefusedReplay[]): void {
  for (const r of refusals.slice(0, REFUSALS_SHOWN)) {
    const issues = r.issues.length > 0 ? `: ${formatIssues(r.issues)}` : "";
    console.log(`  refused ${r.ref} (${r.type ?? "no type"}): ${r.message}${issues}`);
  }
  if (refusals.length > REFUSALS_SHOWN)
    console.log(`  ... and ${refusals.length - REFUSALS_SHOWN} more (--json lists all)`);
}

/** Asks on the terminal; refuses (usage error) when stdin is not one. */
async function confirmPurge(admin: Admin, filter: DeadLetterFilter): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new CliError("refusing to purge without --yes: stdin is not a terminal to confirm on", EXIT_USAGE);
  }
  let count = 0;
  for (let page = await admin.listDeadLetters(filter, { count: 1000 }); ;) {
    count += page.entries.length;
    if (page.nextCursor === null) break;
    page = await admin.listDeadLetters(filter, { count: 1000, cursor: page.nextCursor });
  }
  const what =
    Object.entries(filter)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ") || "all queues, every entry";
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(
      `Purge ${count} dead-lettered task${count === 1 ? "" : "s"} (${what})? [y/N] `,
    );
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

/**
 * `npm run demo`: jobgen end to end in one process, against REDIS_URL (default
 * redis://127.0.0.1:6379; a throwaway redis-server when nothing answers and one is installed).
 *
 * 1. regenerates the typed client from schema.example.yaml (`jobgen generate`);
 * 2. starts a worker with class handlers implementing the generated interfaces, and /metrics;
 * 3. enqueues typed tasks, plus one entry XADDed raw as a foreign producer would (wrong payload);
 *    one task fails once then succeeds, one always fails and ends in the dead-letter stream;
 * 4. prints what happened to each;
 * 5. shows the schema's policies at work: a concurrency cap, a per-endpoint rate limit and a
 *    schedule (demo-policies.ts);
 * 6. prints a few lines of the Prometheus scrape; cleans up its keys (`--keep` leaves them, to try
 *    `jobgen stats` and `jobgen dlq` on them);
 * 7. shows a schema change and `jobgen diff`'s verdict on it (demo-schema-change.ts).
 *
 * With `--dashboard`, after step 4 it serves the web dashboard over the demo's queues (writes
 * allowed, the worker still running, so a replay is processed) and waits for Ctrl-C.
 *
 * Exit codes: 0 every task ended as expected, 1 one did not, 4 Redis unreachable (see docs/operations.md).
 */
import { execFileSync, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Cluster, Redis } from "ioredis";
import { pino } from "pino";
import { EXIT_REDIS } from "../codegen/exit-codes.js";
import { createAdmin } from "../runtime/admin/admin.js";
import { RetryAfterError } from "../runtime/errors.js";
import { queueKeys } from "../runtime/redis/keys.js";
import {
  DEFAULT_DASHBOARD_PORT,
  startDashboardServer,
  type DashboardServer,
  type PayloadSchemaBundle,
} from "@jobgen/runtime/dashboard";
import { serveMetrics } from "@jobgen/runtime/prometheus";
import type { TaskContext, TaskRegistry } from "../runtime/types.js";
import { DEFAULT_REDIS_URL, pingRedis, startRedisServer } from "../test/support/ensure-redis.js";
import { PolicyDemo } from "./demo-policies.js";
import { showSchemaChange } from "./demo-schema-change.js";
// Types only (erased at run time): the values are imported after `jobgen generate` ran.
import type {
  DefaultQueueHandlers,
  ResizeImageHandler,
  ResizeImagePayload,
  SendEmailHandler,
  SendEmailPayload,
  WebhookDeliverHandler,
  WebhookDeliverPayload,
} from "../generated/index.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** How long the demo waits for every task to reach its end state. */
const DEMO_DEADLINE_MS = 30_000;
const keep = process.argv.includes("--keep");
const withDashboard = process.argv.includes("--dashboard");

function say(line = ""): void {
  process.stdout.write(`${line}\n`);
}

/** The URL of a Redis that answers: REDIS_URL, or a throwaway redis-server; exits 4 when neither. */
async function ensureRedis(): Promise<{ url: string; server?: ChildProcess }> {
  const url = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  if (await pingRedis(url.split(",")[0] ?? url)) return { url };
  if (spawnSync("redis-server", ["--version"]).error !== undefined) {
    process.stderr.write(
      `demo: no Redis answers at ${url}; start one (docker run -p 6379:6379 redis:7, or apt-get install -y redis-server) ` +
        "or set REDIS_URL\n",
    );
    process.exit(EXIT_REDIS);
  }
  const server = await startRedisServer();
  // Never leave the throwaway server behind, however the demo ends.
  process.once("exit", () => server.process.kill("SIGTERM"));
  say(`no Redis answered at ${url}: started a throwaway redis-server at ${server.url}`);
  return { url: server.url, server: server.process };
}

/**
 * The demo's own client, for the foreign producer's XADD and the clean-up: a Cluster client when
 * `url` lists several nodes or names a node in cluster mode (as the runtime decides).
 */
async function rawClient(url: string): Promise<Redis | Cluster> {
  const seeds = url.split(",");
  if (seeds.length === 1) {
    const single = new Redis(url);
    if (!/^cluster_enabled:1/m.test(await single.info("cluster"))) return single;
    single.disconnect();
  }
  return new Cluster(seeds);
}

async function deleteDemoKeys(redis: Redis | Cluster, prefix: string): Promise<void> {
  const nodes = redis instanceof Cluster ? redis.nodes("master") : [redis];
  for (const node of nodes) {
    for (const pattern of [`${prefix}*`, `{${prefix}*`]) {
      let cursor = "0";
      do {
        const [next, keys] = await node.scan(cursor, "MATCH", pattern, "COUNT", 1000);
        cursor = next;
        for (const key of keys) await node.del(key); // one by one: a page may span slots
      } while (cursor !== "0");
    }
  }
}

async function main(): Promise<number> {
  say("1. regenerating the typed client: jobgen generate schema.example.yaml --out generated");
  execFileSync(
    process.execPath,
    ["codegen/bin/jobgen.js", "generate", "schema.example.yaml", "--out", "generated"],
    { cwd: ROOT, stdio: "inherit" },
  );
  // Imported after generation, so the demo runs on what was just generated.
  const client = await import("../generated/index.js");

  const { url, server } = await ensureRedis();
  const prefix = `demo:${randomBytes(3).toString("hex")}:`;
  const redis = await rawClient(url);
  const logger = pino({ level: "silent" });
  const attempts = new Map<string, number>();
  const done = new Set<string>();
  const count = (ctx: TaskContext<unknown>): number => {
    const n = (attempts.get(ctx.taskId) ?? 0) + 1;
    attempts.set(ctx.taskId, n);
    return n;
  };

  // Class handlers implementing the generated interfaces: a missing or mistyped one fails to compile.
  class SendEmail implements SendEmailHandler {
    async handle(payload: SendEmailPayload, ctx: TaskContext<SendEmailPayload>): Promise<void> {
      count(ctx);
      ctx.logger.info({ subject: payload.subject }, "email sent");
      done.add(ctx.taskId);
    }
  }
  class ResizeImage implements ResizeImageHandler {
    async handle(_payload: ResizeImagePayload, ctx: TaskContext<ResizeImagePayload>): Promise<void> {
      // The first attempt finds the thumbnail service busy; the retry succeeds.
      if (count(ctx) === 1) throw new RetryAfterError(100, "thumbnail service busy (503)");
      done.add(ctx.taskId);
    }
  }
  const policies = new PolicyDemo();
  class WebhookDeliver implements WebhookDeliverHandler {
    async handle(payload: WebhookDeliverPayload, ctx: TaskContext<WebhookDeliverPayload>): Promise<void> {
      count(ctx);
      if (payload.endpoint.endsWith("/gone"))
        throw new RetryAfterError(50, "endpoint answered 503 Service Unavailable");
      policies.delivered();
    }
  }
  const handlers: DefaultQueueHandlers = {
    sendEmail: new SendEmail(),
    resizeImage: new ResizeImage(),
    webhookDeliver: new WebhookDeliver(),
    // Not enqueued by the demo; the compiler still wants a handler for every task of the queue.
    generateReport: async () => {},
    syncInventory: policies.syncInventory,
  };

  const worker = client.createWorker(
    { queues: ["default"], redis: url, keyPrefix: prefix, logger, block: 100 },
    handlers,
  );
  const metrics = await serveMetrics(worker, { port: 0, host: "127.0.0.1" });
  const enqueue = client.createEnqueue({ redis: url, keyPrefix: prefix, logger });
  try {
    say(`2. worker started on queue "default" (key prefix ${prefix}); metrics at ${metrics.url}`);
    await worker.start();

    say("3. enqueueing");
    const welcome = await enqueue.sendEmail({ to: "ann@example.com", subject: "Welcome to jobgen" });
    const receipt = await enqueue.sendEmail({
      to: "bob@example.com",
      subject: "Your receipt",
      tags: ["billing"],
    });
    const thumbnails = await enqueue.resizeImage({
      sourceUrl: "https://img.example.com/cat.png",
      sizes: [{ width: 64, height: 64 }],
    });
    const webhook = await enqueue.webhookDeliver(
      {
        endpoint: "https://hooks.example.com/gone",
        event: { id: randomUUID(), type: "order.created", occurredAt: new Date().toISOString(), data: {} },
      },
      { maxRetries: 2 },
    );
    // A foreign producer (another language, an old client) writes a payload the schema rejects.
    const foreignId = randomUUID();
    const stream = queueKeys(client.registry.queues.default!, prefix).stream;
    await redis.xadd(
      stream,
      "*",
      ...["payload", JSON.stringify({ to: "carol", subject: 42 }), "type", "send_email"],
      ...["created_at", new Date().toISOString(), "retry", "0", "max_retry", "3", "timeout", "10s"],
      ...["metadata", JSON.stringify({ type: "send_email", source: "legacy-php" }), "id", foreignId],
    );

    const tasks = [
      { label: "send_email      typed", id: welcome.id, expect: "done" },
      { label: "send_email      typed", id: receipt.id, expect: "done" },
      { label: "resize_image    typed", id: thumbnails.id, expect: "retried then done" },
      { label: "webhook.deliver typed", id: webhook.id, expect: "dead-lettered (max_retries)" },
      { label: "send_email      raw XADD", id: foreignId, expect: "dead-lettered (validation)" },
    ];
    const admin = createAdmin(client.registry, { redis: url, keyPrefix: prefix });
    const outcomes = new Map<string, string>();
    const deadline = Date.now() + DEMO_DEADLINE_MS;
    while (outcomes.size < tasks.length && Date.now() < deadline) {
      const dead = await admin.listDeadLetters({ queue: "default" }, { count: 100 });
      for (const task of tasks) {
        const letter = dead.entries.find((e) => e.taskId === task.id);
        const tries = attempts.get(task.id) ?? 0;
        if (letter !== undefined) {
          const why = letter.reason === "validation" ? summariseIssues(letter.details) : letter.error;
          outcomes.set(
            task.id,
            `dead-lettered (${letter.reason}) after ${tries} handler attempt${tries === 1 ? "" : "s"}: ${why}`,
          );
        } else if (done.has(task.id)) {
          outcomes.set(task.id, tries > 1 ? `retried then done (${tries} attempts)` : "done");
        }
      }
      if (outcomes.size < tasks.length) await new Promise((r) => setTimeout(r, 100));
    }
    await admin.close();

    say("4. what happened to each task");
    let ok = true;
    for (const task of tasks) {
      const outcome = outcomes.get(task.id) ?? "still waiting (not finished within 30s)";
      const expected = outcome.startsWith(task.expect);
      ok &&= expected;
      say(
        `   ${task.label.padEnd(26)} ${task.id.slice(0, 8)}  ${outcome}${expected ? "" : `   <- expected ${task.expect}`}`,
      );
    }

    ok = (await policies.show(enqueue, client.registry, { redis: url, keyPrefix: prefix }, say)) && ok;

    const scrape = await (await fetch(metrics.url)).text();
    say(`\n6. a Prometheus scrape of ${metrics.url} (excerpt)`);
    const shown = [
      "jobgen_tasks_processed_total",
      "jobgen_tasks_throttled_total",
      "jobgen_task_throttled_seconds",
    ];
    for (const line of scrape.split("\n").filter((l) => shown.some((name) => l.startsWith(name))))
      say(`   ${line}`);

    if (withDashboard) await serveDashboardUntilStopped(client.registry, url, prefix);
    say(
      keep && server === undefined
        ? `\nkeys kept under ${prefix}; try:\n   npx jobgen stats --schema schema.example.yaml --prefix ${prefix}\n` +
            `   npx jobgen dlq list --schema schema.example.yaml --prefix ${prefix}`
        : `\ninspect a dead-letter queue yourself: npm run demo -- --keep, then jobgen dlq list --prefix <prefix> (docs/operations.md)`,
    );
    return ok ? 0 : 1;
  } finally {
    await worker.stop();
    await enqueue.close();
    await metrics.close();
    if (!keep || server !== undefined) await deleteDemoKeys(redis, prefix);
    redis.disconnect();
    server?.kill("SIGTERM");
  }
}

/** The dashboard over the demo's keys, on its default port (or a free one), until SIGINT or SIGTERM. */
async function serveDashboardUntilStopped(
  registry: TaskRegistry,
  url: string,
  prefix: string,
): Promise<void> {
  const schema = JSON.parse(readFileSync(`${ROOT}/generated/schema.json`, "utf8")) as PayloadSchemaBundle;
  const options = { registry, schema, redis: url, keyPrefix: prefix, allowWrites: true };
  let dashboard: DashboardServer;
  try {
    dashboard = await startDashboardServer({ ...options, port: DEFAULT_DASHBOARD_PORT });
  } catch {
    dashboard = await startDashboardServer({ ...options, port: 0 });
  }
  say(`\nthe dashboard over these queues: ${dashboard.url}#token=${dashboard.dashboard.token}`);
  say("   Dead letters shows why each task was dead-lettered; replay from there or Actions. Ctrl-C to stop.");
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  await dashboard.close();
}

function summariseIssues(details: unknown): string {
  const issues = (details as { issues?: { path: (string | number)[]; message: string }[] } | null)?.issues;
  if (!Array.isArray(issues)) return JSON.stringify(details);
  return issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
}

const code = await main();
if (code === 0) showSchemaChange(ROOT, say);
process.exitCode = code;

/**
 * A worker for the `default` queue of schema.example.yaml: class handlers implementing the
 * generated interfaces, a custom middleware, sensitive fields redacted from logs, Prometheus
 * metrics at :9464/metrics, OpenTelemetry spans (when @opentelemetry/api is installed), and a
 * graceful stop on SIGTERM/SIGINT. Run it with `npx tsx examples/worker.ts` (REDIS_URL).
 */
import { pino } from "pino";
import {
  createWorker,
  registry,
  type DefaultQueueHandlers,
  type ResizeImagePayload,
  type SendEmailHandler,
  type SendEmailPayload,
  type WebhookDeliverHandler,
  type WebhookDeliverPayload,
} from "../generated/index.js";
import {
  PermanentError,
  pinoRedactPaths,
  REDACTED,
  RetryAfterError,
  type Middleware,
  type TaskContext,
} from "@jobgen/runtime";
import { serveMetrics } from "@jobgen/runtime/prometheus";

/** Stands in for an email provider's client. */
interface Mailer {
  send(to: string, subject: string, body: string, signal: AbortSignal): Promise<void>;
}

class SendEmail implements SendEmailHandler {
  constructor(private readonly mailer: Mailer) {}

  async handle(payload: SendEmailPayload, ctx: TaskContext<SendEmailPayload>): Promise<void> {
    // ctx.signal aborts at the task's timeout (10s in the schema) and at a forced shutdown.
    await this.mailer.send(payload.to, payload.subject, payload.body ?? "", ctx.signal);
    ctx.logger.info({ subject: payload.subject }, "email sent");
  }
}

class DeliverWebhook implements WebhookDeliverHandler {
  async handle(payload: WebhookDeliverPayload, ctx: TaskContext<WebhookDeliverPayload>): Promise<void> {
    const response = await fetch(payload.endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payload.event),
      signal: ctx.signal,
    });
    if (response.status === 410) throw new PermanentError(`endpoint ${payload.endpoint} is gone (410)`);
    if (response.status === 429)
      throw new RetryAfterError(Number(response.headers.get("retry-after") ?? 30) * 1000);
    if (!response.ok) throw new Error(`endpoint answered ${response.status}`);
  }
}

/** A custom middleware: runs just before each handler, after validation, inside the timeout. */
const tenantScope: Middleware = async (ctx, next) => {
  const tenant = ctx.metadata.tenant ?? "unknown";
  const started = Date.now();
  await next();
  ctx.logger.info({ tenant, handlerMs: Date.now() - started }, "handled for tenant");
};

const logger = pino({ redact: { paths: pinoRedactPaths(registry), censor: REDACTED } });
const mailer: Mailer = {
  async send(to, subject) {
    logger.info({ payload: { to, subject } }, "pretending to send an email"); // `to` is logged as [REDACTED]
  },
};

const handlers: DefaultQueueHandlers = {
  sendEmail: new SendEmail(mailer),
  webhookDeliver: new DeliverWebhook(),
  resizeImage: async (payload: ResizeImagePayload, ctx) => {
    ctx.logger.info({ sizes: payload.sizes.length }, "thumbnails made");
  },
  generateReport: async (payload, ctx) => {
    ctx.logger.info({ reportType: payload.reportType }, "report generated");
  },
  syncInventory: async (payload, ctx) => {
    ctx.logger.info({ warehouseId: payload.warehouseId }, "inventory synced");
  },
};

const worker = createWorker(
  // With @opentelemetry/api installed, each attempt runs in a span continuing the producer's trace.
  { queues: ["default"], logger, concurrency: 20, shutdownTimeout: "20s" },
  handlers,
);
worker.use(tenantScope);
await worker.start();
const metrics = await serveMetrics(worker, { port: Number(process.env.METRICS_PORT ?? 9464) });
logger.info({ metrics: metrics.url }, "worker running; SIGTERM or Ctrl-C stops it gracefully");
// First signal: stop fetching, let in-flight tasks finish (up to shutdownTimeout), exit 0.
worker.stopOnSignals();

/**
 * A producer for schema.example.yaml: typed enqueues (a wrong payload does not compile), options,
 * bulk, and the errors a caller handles. Run it with `npx tsx examples/producer.ts` (REDIS_URL).
 */
import { randomUUID } from "node:crypto";
import { pino } from "pino";
import { createEnqueue } from "../generated/index.js";
import { QueueFullError, ValidationError } from "@jobgen/runtime";

const logger = pino({ level: "warn" });
const enqueue = createEnqueue({ logger });

try {
  const welcome = await enqueue.sendEmail(
    { to: "ann@example.com", subject: "Welcome!", tags: ["signup"] },
    { idempotencyKey: "welcome:ann@example.com", metadata: { tenant: "acme" } },
  );
  console.log(`send_email ${welcome.deduplicated ? "already enqueued" : "enqueued"} as ${welcome.id}`);

  const report = await enqueue.generateReport(
    {
      reportType: "sales",
      periodStart: "2024-01-01",
      periodEnd: "2024-01-31",
      recipients: ["ops@example.com"],
    },
    { delay: "5m" },
  );
  console.log(`generate_report runs at ${report.runAt?.toISOString()}`);

  const tasks = await enqueue.bulk([
    {
      task: "resizeImage",
      payload: { sourceUrl: "https://img.example.com/a.png", sizes: [{ width: 64, height: 64 }] },
    },
    {
      task: "webhookDeliver",
      payload: {
        endpoint: "https://hooks.example.com/orders",
        event: {
          id: randomUUID(),
          type: "order.created",
          occurredAt: new Date().toISOString(),
          data: { orderId: 42 },
        },
      },
    },
  ]);
  console.log(`bulk: ${tasks.map((t) => t.type).join(", ")}`);

  // The types stop wrong payloads at compile time; data from outside (JSON, forms) is still
  // checked at run time, with every issue and its path:
  const fromOutside = JSON.parse('{"to":"not-an-email","subject":42}') as Parameters<
    typeof enqueue.sendEmail
  >[0];
  await enqueue.sendEmail(fromOutside).catch((error: unknown) => {
    if (!(error instanceof ValidationError)) throw error;
    console.log(`refused, nothing written: ${error.message}`);
  });
} catch (error) {
  if (error instanceof QueueFullError) console.error(`back off and retry later: ${error.message}`);
  else throw error;
} finally {
  await enqueue.close();
}

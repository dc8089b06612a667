/**
 * The producer and worker a user writes after `jobgen init` and `jobgen`, as in the README. The
 * CommonJS flavour has no top-level await; both import the generated client and `@jobgen/runtime`.
 */

function main(module: "esm" | "cjs", body: string): string {
  return module === "esm"
    ? `${body}\n`
    : `async function main(): Promise<void> {\n${body}\n}\nvoid main();\n`;
}

export function PRODUCER_SOURCE(module: "esm" | "cjs"): string {
  return `import { createEnqueue } from "../generated/index.js";
import { ValidationError } from "@jobgen/runtime";

${main(
  module,
  `const enqueue = createEnqueue({ keyPrefix: process.env.JOBGEN_PREFIX ?? "" });
const task = await enqueue.sendEmail({ to: { email: "ann@example.com" }, subject: "Welcome" });
console.log("enqueued", task.id);
await enqueue.close();
if (!(new ValidationError("x", []) instanceof Error)) process.exitCode = 1;`,
)}`;
}

export function WORKER_SOURCE(module: "esm" | "cjs"): string {
  return `import { createWorker, type SendEmailHandler } from "../generated/index.js";
import type { TaskContext } from "@jobgen/runtime";

class SendEmail implements SendEmailHandler {
  async handle(payload: Parameters<SendEmailHandler["handle"]>[0], ctx: TaskContext): Promise<void> {
    console.log(\`handled \${ctx.type} for \${payload.to.email}\`);
    setImmediate(() => void worker.stop());
  }
}

const worker = createWorker(
  { queues: ["default"], keyPrefix: process.env.JOBGEN_PREFIX ?? "", block: "200ms" },
  { sendEmail: new SendEmail() },
);
${main(module, `await worker.start();`)}`;
}

/**
 * An app mounting the dashboard (`@jobgen/runtime/dashboard`) under a base path on its own
 * node:http server, then reading the page and an API route once.
 */
export function DASHBOARD_SOURCE(module: "esm" | "cjs"): string {
  return `import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createDashboard } from "@jobgen/runtime/dashboard";
import { registry } from "../generated/index.js";

${main(
  module,
  `const dashboard = createDashboard({ registry, basePath: "/ops/jobs", keyPrefix: process.env.JOBGEN_PREFIX ?? "" });
const server = createServer((req, res) => dashboard(req, res));
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = \`http://127.0.0.1:\${(server.address() as AddressInfo).port}/ops/jobs/\`;
const page = await fetch(base);
const api = await fetch(\`\${base}api/tasks\`);
const { tasks } = (await api.json()) as { tasks: { name: string }[] };
console.log(\`dashboard page \${page.status} \${page.headers.get("content-type")}; api/tasks \${api.status}: \${tasks.map((t) => t.name).join(",")}\`);
server.close();
await dashboard.close();`,
)}`;
}

/**
 * A worker in its own process, for tests that kill or signal it. Run with
 * `node --import tsx test/support/worker-process.ts`; configured by environment:
 * - REDIS_URL, JOBGEN_TEST_PREFIX: where to consume (queue `default` of the test registry);
 * - JOBGEN_TEST_WORK_MS: how long send_email works (`hang`: forever, ignoring its signal);
 * - JOBGEN_TEST_CLAIM_IDLE_MS: the claim idle time.
 * It logs pino JSON lines at debug (successes included) to stdout (the parent waits for `"msg":"task started"`) and stops on
 * SIGTERM/SIGINT through `worker.stopOnSignals()`.
 */
import { pino } from "pino";
import { createWorkerRuntime } from "../../runtime/worker/worker.js";
import { testRegistry } from "./registry.js";

const workMs = process.env.JOBGEN_TEST_WORK_MS ?? "hang";
const claimMinIdle = Number(process.env.JOBGEN_TEST_CLAIM_IDLE_MS ?? 30_000);

const worker = createWorkerRuntime(
  testRegistry(),
  {
    queues: ["default"],
    redis: process.env.REDIS_URL,
    keyPrefix: process.env.JOBGEN_TEST_PREFIX,
    logger: pino({ level: "debug" }),
    logSuccess: true,
    block: 50,
    claimMinIdle,
  },
  {
    send_email: async (_payload: unknown, ctx) => {
      if (workMs === "hang") await new Promise(() => {});
      else await new Promise((resolve) => setTimeout(resolve, Number(workMs)));
      ctx.logger.info("work done");
    },
    resize_image: async () => {},
  },
);
worker.stopOnSignals();
await worker.start();

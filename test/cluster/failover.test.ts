/**
 * A master SIGKILLed mid-load fails over to its replica and nothing accepted is lost: every task an
 * enqueue resolved for ends done, dead-lettered, or still findable (stream, pending, delayed set).
 * Queue `default` has 3 partitions, one per master, so the killed master holds one of its
 * partitions while the others go on; queue `critical` is a plain queue on one slot.
 * Duplicates (a task run twice) are counted and printed; at least once allows them. The test owns
 * its Cluster: killing a node of the shared one would disturb the other test files.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster } from "ioredis";
import { createProducer } from "../../runtime/producer/producer.js";
import { queueKeys } from "../../runtime/redis/keys.js";
import { partitionKeys } from "../../runtime/redis/partitions.js";
import { keySlot } from "../../runtime/redis/slot.js";
import type { TaskRegistry } from "../../runtime/types.js";
import { createWorkerRuntime, type Worker } from "../../runtime/worker/worker.js";
import { LocalCluster } from "../support/cluster.js";
import { quietLogger } from "../support/provider.js";
import { testRegistry } from "../support/registry.js";
import { TEST_WORKER_OPTIONS } from "../support/worker.js";

/** Tasks enqueued one by one, half to each queue; the master is killed after a third of them. */
const TASKS = 3000;
const PREFIX = "failover:";

describe("failover of a master under load", () => {
  let cluster: LocalCluster;
  beforeAll(async () => {
    cluster = await LocalCluster.start({ nodeTimeoutMs: 2000 });
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it("loses no accepted task when a master is SIGKILLed mid-load", { timeout: 180_000 }, async () => {
    const plain = testRegistry({ criticalMaxLen: 1_000_000 });
    const partitioned = { ...plain.queues.default!, partitions: 3 };
    const registry: TaskRegistry = { ...plain, queues: { ...plain.queues, default: partitioned } };
    const keys = [...partitionKeys(partitioned, PREFIX), queueKeys(registry.queues.critical!, PREFIX)];
    const redis = { redis: cluster.seeds, keyPrefix: PREFIX, logger: quietLogger };
    const producer = createProducer(registry, redis);
    const runs = new Map<string, number>();
    const handler = async (_: unknown, ctx: { taskId: string }) => {
      runs.set(ctx.taskId, (runs.get(ctx.taskId) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 1));
    };
    const workers: Worker[] = [0, 1].map(() =>
      createWorkerRuntime(
        registry,
        {
          ...TEST_WORKER_OPTIONS,
          ...redis,
          queues: ["default", "critical"],
          concurrency: 20,
          claimMinIdle: 3000,
        },
        { send_email: handler, resize_image: handler, process_order: handler },
      ),
    );
    await Promise.all(workers.map((w) => w.start()));

    const victim = await cluster.masterPortOf(keySlot(keys[0]!.stream));
    const accepted: string[] = [];
    let refused = 0;
    let killedAt = -1;
    const started = Date.now();
    for (let i = 0; i < TASKS; i++) {
      if (i === Math.floor(TASKS / 3)) {
        killedAt = Date.now() - started;
        await cluster.kill(victim);
      }
      const [type, payload] =
        i % 2 === 0
          ? (["send_email", { to: `u${i}@example.com`, subject: `task ${i}` }] as const)
          : (["process_order", { orderId: randomUUID(), items: [{ sku: "s", quantity: 1 }] }] as const);
      try {
        accepted.push((await producer.enqueue(type, payload)).id);
      } catch {
        refused++; // not accepted: the caller was told, and would enqueue it again
      }
    }
    const enqueuedIn = Date.now() - started;

    // Wait until every accepted task ran, or the deadline passes; then look for the rest.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && accepted.some((id) => !runs.has(id))) {
      await new Promise((r) => setTimeout(r, 200));
    }
    await Promise.all(workers.map((w) => w.stop()));
    await producer.close();

    const client = new Cluster(cluster.seeds.split(","));
    const findable = new Set<string>();
    try {
      for (const k of keys) {
        for (const [, fields] of await client.xrange(k.stream, "-", "+")) findable.add(idOf(fields));
        for (const [, fields] of await client.xrange(k.dlq, "-", "+")) findable.add(idOf(fields));
        for (const member of await client.zrange(k.delayed, 0, -1)) {
          findable.add(String((JSON.parse(member) as { id?: string }).id));
        }
      }
    } finally {
      client.disconnect();
    }
    const lost = accepted.filter((id) => !runs.has(id) && !findable.has(id));
    const duplicated = [...runs.values()].filter((n) => n > 1).length;
    const notRun = accepted.filter((id) => !runs.has(id)).length;
    console.log(
      `[failover] killed master :${victim} at ${killedAt} ms; ${accepted.length} accepted, ${refused} refused ` +
        `in ${enqueuedIn} ms; ${accepted.length - notRun} done, ${notRun - lost.length} findable, ` +
        `${lost.length} lost, ${duplicated} run more than once`,
    );
    expect(lost).toEqual([]);
    expect(accepted.length).toBeGreaterThan(TASKS / 2);
  });
});

/** The `id` field of a stream entry's `[field, value, ...]`. */
function idOf(fields: readonly string[]): string {
  const at = fields.indexOf("id");
  return at >= 0 && at % 2 === 0 ? String(fields[at + 1]) : "";
}

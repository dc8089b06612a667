// A 100,000-entry DLQ: the dashboard pages it in Redis from a cursor, so the first page, a page deep
// in the stream and an entry view each answer in a bounded time, a filter that matches nothing is
// searched SEARCH_BUDGET entries per request, and the task types page's dead-letter tally reads at
// most TALLY_LIMIT entries.
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEARCH_BUDGET } from "../../../runtime/dashboard/dlq-page.js";
import { TALLY_LIMIT } from "../../../runtime/dashboard/dlq-tally.js";
import { queueKeys } from "../../../runtime/redis/keys.js";
import { serveDashboard, type ServedDashboard } from "../../support/dashboard.js";
import { connect, deleteKeys, testRedisUrl, uniquePrefix } from "../../support/redis.js";
import { testRegistry } from "../../support/registry.js";

const ENTRIES = 100_000;
/**
 * Far under what reading all 100,000 entries takes (seconds), with room for a loaded 2-core
 * machine (a 20,000-entry search step took 566 ms beside the full suite). The bounded work itself
 * is asserted below from `searched` and the cursors.
 */
const PAGE_BUDGET_MS = 2_000;

describe("dashboard with a 100,000-entry DLQ", () => {
  const registry = testRegistry();
  const prefix = uniquePrefix("dash-large");
  let redis: Redis;
  let served: ServedDashboard;
  let base: string;

  beforeAll(async () => {
    redis = connect();
    const dlq = queueKeys(registry.queues.default!, prefix).dlq;
    for (let start = 0; start < ENTRIES; start += 5_000) {
      const pipeline = redis.pipeline();
      for (let i = start; i < start + 5_000; i++) {
        pipeline.xadd(dlq, `${i + 1}-0`, ...deadLetterFields(i));
      }
      await pipeline.exec();
    }
    served = await serveDashboard({ registry, redis: testRedisUrl(), keyPrefix: prefix });
    base = `${served.origin}/api`;
    await fetch(`${base}/overview`); // connect once, outside the timings
  }, 120_000);

  afterAll(async () => {
    await served.close();
    await deleteKeys(redis, prefix);
    await deleteKeys(redis, `{${prefix}`);
    await redis.quit();
  });

  async function timed<T>(url: string): Promise<{ body: T; ms: number }> {
    const started = performance.now();
    const response = await fetch(url);
    expect(response.status).toBe(200);
    const body = (await response.json()) as T;
    return { body, ms: performance.now() - started };
  }

  it("answers the first page, a page from a cursor deep in the DLQ and an entry fast", async () => {
    type Page = { entries: { ref: string }[]; nextCursor: string | null; inDeadLetterQueues: number };
    const first = await timed<Page>(`${base}/dlq?count=50`);
    expect(first.body.entries).toHaveLength(50);
    expect(first.body.inDeadLetterQueues).toBe(ENTRIES);
    expect(first.body.nextCursor).toBe("default/50-0");

    const deep = await timed<Page>(`${base}/dlq?count=50&cursor=default/90000-0`);
    expect(deep.body.entries[0]!.ref).toBe("default/90001-0");

    const entry = await timed<{ entry: { ref: string } }>(`${base}/dlq/entry?ref=default/77777-0`);
    expect(entry.body.entry.ref).toBe("default/77777-0");

    for (const { ms } of [first, deep, entry]) expect(ms).toBeLessThan(PAGE_BUDGET_MS);
  });

  it("searches a filter that matches nothing in bounded steps, each answering fast", async () => {
    type Page = { entries: unknown[]; nextCursor: string | null; searched: number; stoppedEarly: boolean };
    const steps: Page[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const step: { body: Page; ms: number } = await timed<Page>(
        `${base}/dlq?count=50&type=process_order&cursor=${cursor}`,
      );
      expect(step.ms).toBeLessThan(PAGE_BUDGET_MS);
      steps.push(step.body);
      cursor = step.body.nextCursor;
    }
    expect(steps.map((s) => s.entries.length)).toEqual(steps.map(() => 0));
    expect(steps[0]).toEqual({
      entries: [],
      nextCursor: `default/${SEARCH_BUDGET}-0`,
      searched: SEARCH_BUDGET,
      stoppedEarly: true,
      inDeadLetterQueues: ENTRIES,
    });
    expect(steps.reduce((sum, s) => sum + s.searched, 0)).toBe(ENTRIES);
    expect(steps.at(-1)).toMatchObject({ nextCursor: null, stoppedEarly: false });
  });

  it("counts dead letters per task type from a bounded scan", async () => {
    const tasks = await timed<{ tally: { scanned: number; complete: boolean } }>(`${base}/tasks`);
    expect(tasks.body.tally).toEqual({ scanned: TALLY_LIMIT, complete: false });
    expect(tasks.ms).toBeLessThan(PAGE_BUDGET_MS * 4);
  });
});

function deadLetterFields(i: number): string[] {
  return [
    "payload",
    JSON.stringify({ to: `user${i}@example.com`, subject: `message ${i}` }),
    "type",
    i % 2 === 0 ? "send_email" : "resize_image",
    "id",
    `task-${i}`,
    "retry",
    "3",
    "dlq_reason",
    i % 3 === 0 ? "validation" : "max_retries",
    "dlq_error",
    `failed ${i}`,
    "dlq_at",
    new Date(1_700_000_000_000 + i).toISOString(),
  ];
}

// The dashboard in headless Chromium against a real Redis: each page loads (and is screenshot),
// replaying a dead letter from the page puts it back on its queue, a write without the token is
// refused, and hostile text in payloads, error messages and task names executes nothing.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registry } from "../../generated/index.js";
import { startDashboardServer, type DashboardServer } from "../../runtime/dashboard/index.js";
import type { PayloadSchemaBundle } from "../../runtime/dashboard/index.js";
import { queueKeys } from "../../runtime/redis/keys.js";
import { REPO_ROOT } from "../support/cli.js";
import { addDeadLetter } from "../support/dead-letters.js";
import { connect, deleteKeys, testRedisUrl, uniquePrefix } from "../support/redis.js";

/** Debian's chromium; `CHROMIUM` overrides it. */
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
/** Screenshots go to docs/dashboard/ with UPDATE_SCREENSHOTS=1, else to .tmp/ (taken either way). */
const SCREENSHOTS = join(
  REPO_ROOT,
  process.env.UPDATE_SCREENSHOTS === "1" ? "docs/dashboard" : ".tmp/dashboard-screenshots",
);

const HOSTILE_IMG = "<img src=x onerror=window.__pwned=1>";
const HOSTILE_SCRIPT = "</script><script>window.__pwned=1</script>";
const schema = JSON.parse(
  readFileSync(join(REPO_ROOT, "generated/schema.json"), "utf8"),
) as PayloadSchemaBundle;
const defaultQueue = registry.queues.default!;
/** Rows per DLQ page (the page's PAGE_SIZE). */
const PAGE_SIZE = 50;
const criticalQueue = registry.queues.critical!;

describe("dashboard in Chromium", () => {
  const prefix = uniquePrefix("browser-dash");
  let redis: Redis;
  let browser: Browser;
  let writable: DashboardServer;
  let readOnly: DashboardServer;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];
  const refs: Record<string, string> = {};

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    redis = connect();
    await seed();
    await seedCriticalPages();
    const options = { registry, schema, redis: testRedisUrl(), keyPrefix: prefix, port: 0 };
    writable = await startDashboardServer({ ...options, allowWrites: true });
    // The read-only one sees the critical queue as partitioned in two (and so without the priority
    // levels charge_payment's `priority` gives it: a partitioned queue has none).
    const partitioned = {
      ...registry,
      queues: { ...registry.queues, critical: { ...criticalQueue, partitions: 2, priorities: false } },
    };
    readOnly = await startDashboardServer({ ...options, registry: partitioned });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(error.message));
    await page.goto(`${writable.url}#token=${writable.dashboard.token}`);
  });

  afterAll(async () => {
    await browser?.close();
    await writable?.close();
    await readOnly?.close();
    await deleteKeys(redis, prefix);
    await deleteKeys(redis, `{${prefix}`);
    await redis.quit();
  });

  async function seed(): Promise<void> {
    const keys = queueKeys(defaultQueue, prefix);
    for (let i = 0; i < 12; i++) {
      await redis.xadd(keys.stream, "*", "type", "send_email", "payload", JSON.stringify(welcome(i)));
    }
    await redis.xgroup("CREATE", keys.stream, defaultQueue.group, "0", "MKSTREAM");
    await redis.xreadgroup("GROUP", defaultQueue.group, "web-1", "COUNT", 4, "STREAMS", keys.stream, ">");
    await redis.zadd(keys.delayed, Date.now() + 60_000, "delayed-task-1");
    refs.invalid = `default/${await addDeadLetter(redis, defaultQueue, prefix, {
      type: "send_email",
      payload: JSON.stringify({ to: "ann(at)example.com", subject: "Welcome", priority: "high" }),
      reason: "validation",
      error: "invalid payload for send_email: to: Invalid email address; (root): Unrecognized key: priority",
      details: {
        issues: [
          { path: ["to"], message: "Invalid email address" },
          { path: [], message: 'Unrecognized key: "priority"' },
        ],
      },
    })}`;
    refs.replayable = `default/${await addDeadLetter(redis, defaultQueue, prefix, {
      type: "send_email",
      payload: JSON.stringify({ to: "bob@example.com", subject: "Your invoice", body: "Hi Bob" }),
      reason: "max_retries",
      error: "smtp: 421 service not available",
      retry: 5,
    })}`;
    refs.hostilePayload = `default/${await addDeadLetter(redis, defaultQueue, prefix, {
      type: "send_email",
      payload: JSON.stringify({ to: "eve@example.com", subject: HOSTILE_SCRIPT, body: HOSTILE_IMG }),
      reason: "permanent",
      error: `${HOSTILE_IMG} ${HOSTILE_SCRIPT}`,
    })}`;
    refs.hostileType = `default/${await addDeadLetter(redis, defaultQueue, prefix, {
      type: HOSTILE_IMG,
      payload: JSON.stringify({ note: HOSTILE_SCRIPT }),
      reason: "unknown_type",
      error: `unknown task type "${HOSTILE_IMG}"`,
    })}`;
  }

  /** More dead letters than one page holds, on the critical queue. */
  async function seedCriticalPages(): Promise<void> {
    for (let i = 0; i < PAGE_SIZE + 5; i++) {
      await addDeadLetter(redis, criticalQueue, prefix, {
        type: "charge_payment",
        payload: JSON.stringify({ paymentId: `pay_old_${i}`, amount: { amount: 100, currency: "EUR" } }),
        reason: "permanent",
        error: "card expired",
      });
    }
  }

  function welcome(i: number) {
    return { to: `user${i}@example.com`, subject: "Welcome" };
  }

  /** Keeps the critical queue busy (delivered and a dead letter now and then) for the chart. */
  function traffic(): () => void {
    const keys = queueKeys(criticalQueue, prefix);
    let round = 0;
    const timer = setInterval(() => {
      round++;
      void (async () => {
        for (let i = 0; i < 10 + (round % 4) * 8; i++)
          await redis.xadd(keys.stream, "*", "type", "charge_payment");
        await redis.xgroup("CREATE", keys.stream, criticalQueue.group, "0").catch(() => undefined);
        const read = (await redis.xreadgroup(
          "GROUP",
          criticalQueue.group,
          "billing-1",
          "COUNT",
          100,
          "STREAMS",
          keys.stream,
          ">",
        )) as [string, [string, string[]][]][] | null;
        const ids = read?.[0]?.[1].map(([id]) => id) ?? [];
        // As a worker's ack does: acknowledged and deleted.
        if (ids.length > 0) {
          await redis.xack(keys.stream, criticalQueue.group, ...ids);
          await redis.xdel(keys.stream, ...ids);
        }
        if (round % 3 === 0) {
          await addDeadLetter(redis, criticalQueue, prefix, {
            type: "charge_payment",
            payload: JSON.stringify({ paymentId: `pay_${round}`, amount: { amount: 100, currency: "EUR" } }),
            reason: "max_retries",
            error: "card declined",
          });
        }
      })();
    }, 400);
    return () => clearInterval(timer);
  }

  /** Polls until the page shows what is expected (the page polls the API every few seconds). */
  function eventually<T>(read: () => Promise<T>) {
    return expect.poll(read, { timeout: 10_000 });
  }

  async function pwned(): Promise<unknown> {
    // Runs in the page, where globalThis is its window.
    return page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned);
  }

  async function cellText(row: string, column: number): Promise<string> {
    return page
      .locator(`#queues-table tbody tr:has(td:first-child:text-is("${row}")) td`)
      .nth(column)
      .innerText();
  }

  it("Queues: counts per queue, consumers, and a live chart", async () => {
    const stop = traffic();
    try {
      await page.waitForSelector("#page-queues:not([hidden])");
      await eventually(() => cellText("default", 2)).toBe("12");
      expect(await cellText("default", 3)).toBe("4");
      expect(await cellText("default", 4)).toBe("1");
      expect(await cellText("default", 5)).toBe("4");
      await eventually(() => page.locator("#consumers-table tbody tr").count()).toBeGreaterThanOrEqual(2);
      // Two samples make the first rate; wait for a few, so the chart shows a line.
      await expect
        .poll(() => page.locator(".chart polyline.throughput").first().getAttribute("points"), {
          timeout: 15_000,
        })
        .toMatch(/^(\S+ ){4,}/);
    } finally {
      stop();
    }
    await page.screenshot({ path: join(SCREENSHOTS, "queues.png"), fullPage: true });
  });

  it("Task types: schema, policy and version from the schema, with live counts", async () => {
    await page.click('nav a[data-page="tasks"]');
    const card = page.locator(".task", { has: page.locator("h3", { hasText: /^send_email$/ }) });
    await eventually(() => card.locator("[data-counts] dd").first().innerText()).toBe("3");
    const text = await card.innerText();
    expect(text).toContain("max retries\n5");
    expect(text).toContain("timeout\n10.0s");
    expect(text).toContain("sensitive fields\nto");
    await card.locator("summary").click();
    expect(await card.locator("pre").innerText()).toContain('"format": "email"');
    await page.screenshot({ path: join(SCREENSHOTS, "tasks.png") });
  });

  it("DLQ: filters, and an entry with redacted payload, validation issues and today's verdict", async () => {
    await page.click('nav a[data-page="dlq"]');
    await page.selectOption('#dlq-filter select[name="queue"]', "default");
    await page.click('#dlq-filter button[type="submit"]');
    await eventually(() => page.locator("#dlq-table tbody tr").count()).toBe(4);
    await page.selectOption('#dlq-filter select[name="reason"]', "validation");
    await page.click('#dlq-filter button[type="submit"]');
    await eventually(() => page.locator("#dlq-table tbody tr").count()).toBe(1);
    await page.click(`#dlq-table tr[data-ref="${refs.invalid}"]`);
    await page.waitForSelector("#dlq-entry:not([hidden])");
    const issues = await page.locator("#entry-issues tbody").innerText();
    expect(issues).toContain("to\tInvalid email address");
    expect(issues).toContain("(root)\tUnrecognized key");
    expect(await page.locator("#entry-payload").innerText()).toContain('"to": "[REDACTED]"');
    expect(await page.locator("#entry-payload").innerText()).not.toContain("ann(at)example.com");
    expect(await page.locator("#entry-check").innerText()).toContain("A replay would refuse it");
    expect(await page.locator("#entry-facts").innerText()).toContain(`corr-`);
    await page.screenshot({ path: join(SCREENSHOTS, "dlq.png"), fullPage: true });
  });

  it("DLQ: pages forward and back through a queue with more than a page of entries", async () => {
    await page.selectOption('#dlq-filter select[name="queue"]', "critical");
    await page.selectOption('#dlq-filter select[name="reason"]', "");
    await page.click('#dlq-filter button[type="submit"]');
    const firstRow = () => page.locator("#dlq-table tbody tr").first().getAttribute("data-ref");
    await eventually(() => page.locator("#dlq-table tbody tr").count()).toBe(PAGE_SIZE);
    const first = await firstRow();
    await page.click("#dlq-next");
    await eventually(() => page.locator("#dlq-summary").innerText()).toContain("Page 2:");
    expect(await page.locator("#dlq-table tbody tr").count()).toBeGreaterThanOrEqual(5);
    expect(await firstRow()).not.toBe(first);
    await page.click("#dlq-previous");
    await eventually(() => page.locator("#dlq-summary").innerText()).toContain("Page 1:");
    expect(await firstRow()).toBe(first);
    await page.selectOption('#dlq-filter select[name="queue"]', "default");
  });

  it("hostile payloads, error messages and task names stay text and run nothing", async () => {
    await page.selectOption('#dlq-filter select[name="reason"]', "");
    await page.click('#dlq-filter button[type="submit"]');
    await eventually(() => page.locator("#dlq-table tbody tr").count()).toBe(4);
    const rows = await page.locator("#dlq-table tbody").innerText();
    expect(rows).toContain(HOSTILE_IMG);
    expect(rows).toContain(HOSTILE_SCRIPT);
    for (const ref of [refs.hostilePayload!, refs.hostileType!]) {
      await page.click(`#dlq-table tr[data-ref="${ref}"]`);
      await eventually(() => page.locator("#entry-ref").innerText()).toBe(ref);
    }
    expect(await page.locator("#entry-facts").innerText()).toContain(HOSTILE_IMG);
    expect(await page.locator("#entry-payload").innerText()).toContain(HOSTILE_SCRIPT.replaceAll('"', '\\"'));
    expect(await page.locator("#dlq-entry img, #dlq-table img, #dlq-entry script").count()).toBe(0);
    expect(await pwned()).toBeUndefined();
  });

  it("refuses a write without the token, and leaves the entry in the DLQ", async () => {
    const fresh = await browser.newContext();
    const other = await fresh.newPage();
    await other.goto(`${writable.url}#dlq`);
    await other.waitForSelector('#dlq-filter select[name="queue"] option[value="default"]', {
      state: "attached",
    });
    await other.selectOption('#dlq-filter select[name="queue"]', "default");
    await other.click('#dlq-filter button[type="submit"]');
    await other.click(`#dlq-table tr[data-ref="${refs.replayable}"]`);
    await other.waitForSelector("#dlq-entry:not([hidden])");
    await other.click("#entry-replay");
    await eventually(() => other.locator("#error").innerText()).toContain("missing or wrong write token");
    expect(await redis.xlen(queueKeys(defaultQueue, prefix).dlq)).toBe(4);
    await other.goto(`${readOnly.url}#actions`);
    await eventually(() => other.locator("#actions-mode").innerText()).toContain("read-only");
    expect(await other.locator('#replay-form button[type="submit"]').isDisabled()).toBe(true);
    await other.goto(`${readOnly.url}#queues`);
    await eventually(() =>
      other.locator('#queues-table tbody tr:has(td:first-child:text-is("critical")) td').nth(1).innerText(),
    ).toContain("(2 partitions, counts summed)");
    await fresh.close();
  });

  it("replays an entry from the page and the queue grows by one", async () => {
    const keys = queueKeys(defaultQueue, prefix);
    await page.click(`#dlq-table tr[data-ref="${refs.replayable}"]`);
    await eventually(() => page.locator("#entry-check").innerText()).toContain(
      "Valid against today's schema",
    );
    await page.click("#entry-replay");
    await eventually(() => page.locator("#entry-replay-status").innerText()).toContain("Replayed");
    expect(await redis.xlen(keys.dlq)).toBe(3);
    await page.click('nav a[data-page="queues"]');
    await eventually(() => cellText("default", 2)).toBe("13");
    expect(await cellText("default", 5)).toBe("3");
  });

  it("Actions: replays a filtered selection with progress, refusing what is still invalid", async () => {
    await page.click('nav a[data-page="actions"]');
    await page.selectOption('#replay-form select[name="queue"]', "default");
    await page.selectOption('#replay-form select[name="reason"]', "validation");
    await page.click('#replay-form button[type="submit"]');
    await eventually(() => page.locator("#replay-status").innerText()).toContain(
      "Done: 1 seen, 0 replayed, 1 refused",
    );
    expect(await page.locator("#replay-refusals").innerText()).toContain("to: Invalid email address");
    await page.screenshot({ path: join(SCREENSHOTS, "actions.png"), fullPage: true });
    expect(await pwned()).toBeUndefined();
    expect(consoleErrors).toEqual([]);
  });
});

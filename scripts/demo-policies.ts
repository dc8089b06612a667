/**
 * The policies step of `npm run demo`: schema.example.yaml caps sync_inventory at 2 running at once
 * (`concurrency: 2`), limits webhook.deliver to 5 starts a second per endpoint (`rateLimit`), and
 * enqueues sync_inventory every 2 s (schedule `storefront_stock`). The demo's worker runs the
 * handlers below; `show` enqueues a burst of each and prints what the policies made of it.
 */
import { createAdmin } from "../runtime/admin/admin.js";
import type { TaskContext, TaskRegistry } from "../runtime/types.js";
import type { Enqueue, SyncInventoryPayload } from "../generated/index.js";

/** How long the step waits for the burst and a schedule tick. */
const STEP_DEADLINE_MS = 10_000;
/** How long one sync_inventory works, so that the cap shows. */
const SYNC_MS = 150;

export class PolicyDemo {
  private running = 0;
  private mostRunning = 0;
  private synced = 0;
  private readonly ticks: string[] = [];
  private readonly deliveries: number[] = [];

  /** The sync_inventory handler: counts how many run at once, and the ticks of the schedule. */
  readonly syncInventory = async (
    _payload: SyncInventoryPayload,
    ctx: TaskContext<SyncInventoryPayload>,
  ): Promise<void> => {
    this.running++;
    this.mostRunning = Math.max(this.mostRunning, this.running);
    await new Promise((resolve) => setTimeout(resolve, SYNC_MS));
    this.running--;
    if (ctx.metadata.schedule !== undefined) this.ticks.push(ctx.taskId);
    else this.synced++;
  };

  /** Called by the webhook.deliver handler for each delivery that succeeds. */
  delivered(): void {
    this.deliveries.push(Date.now());
  }

  /** Enqueues the bursts, waits for them and a tick, prints the outcome; `false` when a policy did not hold. */
  async show(
    enqueue: Enqueue,
    registry: TaskRegistry,
    connection: { redis: string; keyPrefix: string },
    say: (line: string) => void,
  ): Promise<boolean> {
    say("\n5. policies from the schema at work");
    await Promise.all(
      ["wh-berlin", "wh-paris", "wh-rome", "wh-oslo"].map((warehouseId) =>
        enqueue.syncInventory({ warehouseId, mode: "full" }),
      ),
    );
    await Promise.all(
      Array.from({ length: 6 }, (_, n) =>
        enqueue.webhookDeliver({
          endpoint: "https://hooks.example.com/orders",
          event: {
            id: crypto.randomUUID(),
            type: "order.created",
            occurredAt: new Date().toISOString(),
            data: { n },
          },
        }),
      ),
    );
    const deadline = Date.now() + STEP_DEADLINE_MS;
    while (
      (this.synced < 4 || this.deliveries.length < 6 || this.ticks.length === 0) &&
      Date.now() < deadline
    )
      await new Promise((resolve) => setTimeout(resolve, 50));

    const first = this.deliveries[0] ?? 0;
    say(
      `   concurrency: 2     4 sync_inventory enqueued at once; at most ${this.mostRunning} ran at the same time`,
    );
    say(
      `   rateLimit 5/s      6 webhook.deliver to one endpoint started at ` +
        `${this.deliveries.map((at) => `+${at - first}`).join(", ")} ms`,
    );
    say(`   schedule every 2s  storefront_stock enqueued ${this.ticks.join(", ") || "nothing yet"}`);
    const admin = createAdmin(registry, connection);
    try {
      for (const schedule of await admin.schedules()) {
        const when =
          schedule.cron === null
            ? `every ${schedule.everyMs ?? 0}ms`
            : `cron "${schedule.cron}" ${schedule.timezone ?? ""}`;
        say(
          `   ${schedule.name.padEnd(22)} ${when.padEnd(34)} next run ${schedule.nextRun?.toISOString() ?? "-"}`,
        );
      }
    } finally {
      await admin.close();
    }
    return (
      this.synced === 4 &&
      this.mostRunning <= 2 &&
      this.deliveries.length === 6 &&
      (this.deliveries.at(-1) ?? 0) - first >= 0.9 * 5 * 200 &&
      this.ticks.length > 0
    );
  }
}

// The testing helpers used the way a user's test would: a service that enqueues, a class handler.
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  registry,
  wireNames,
  type Enqueue,
  type SendEmailHandler,
  type SendEmailPayload,
} from "../../generated/index.js";
import { PermanentError, TaskTimeoutError, ValidationError } from "../../runtime/errors.js";
import { createTestEnqueue, runHandler } from "../../runtime/testing.js";
import type { TaskContext } from "../../runtime/types.js";

/** Code under test: signs a user up and enqueues a welcome email. */
async function signUp(enqueue: Pick<Enqueue, "sendEmail">, email: string): Promise<void> {
  await enqueue.sendEmail(
    { to: email, subject: "Welcome!", tags: ["signup"] },
    { idempotencyKey: `welcome:${email}` },
  );
}

class WelcomeMailer implements SendEmailHandler {
  readonly sent: string[] = [];
  async handle(payload: SendEmailPayload, ctx: TaskContext<SendEmailPayload>): Promise<void> {
    if (payload.to.endsWith("@invalid.example")) throw new PermanentError("no such domain");
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, payload.subject === "slow" ? 10_000 : 0);
      ctx.signal.addEventListener("abort", () => (clearTimeout(timer), reject(ctx.signal.reason)), {
        once: true,
      });
    });
    this.sent.push(`${ctx.attempt}:${payload.to}`);
  }
}

describe("createTestEnqueue", () => {
  it("records typed enqueues and asserts on them by member", async () => {
    const enqueue = createTestEnqueue<Enqueue>({ registry, wireNames });
    await signUp(enqueue, "ann@example.com");
    await signUp(enqueue, "ann@example.com");

    const welcome = enqueue.expectEnqueued.sendEmail({ to: "ann@example.com", tags: ["signup"] });
    expectTypeOf(welcome.payload).toEqualTypeOf<SendEmailPayload>();
    expect(welcome).toMatchObject({ task: "sendEmail", type: "send_email", result: { queue: "default" } });
    expect(enqueue.enqueued).toHaveLength(1); // the second call was deduplicated by its idempotency key
    expect(() => enqueue.expectEnqueued.sendEmail({ to: "bob@example.com" })).toThrow(
      /expected sendEmail\(\{"to":"bob@example.com"\}\) to have been enqueued; enqueued:\n {2}sendEmail\(/,
    );
    expect(() => enqueue.expectEnqueued.processOrder()).toThrow(/expected processOrder\(\)/);
    enqueue.clearEnqueued();
    expect(enqueue.enqueued).toEqual([]);
  });

  it("is typed from the generated Enqueue: wrong payloads and unknown members do not compile", async () => {
    const enqueue = createTestEnqueue<Enqueue>({ registry, wireNames });
    await enqueue.sendEmail({ to: "ann@example.com", subject: "hi" });
    // @ts-expect-error -- `subject` must be a string
    expect(() => enqueue.expectEnqueued.sendEmail({ subject: 42 })).toThrow();
    // @ts-expect-error -- there is no task member `sendSms`
    expect(enqueue.expectEnqueued.sendSms).toBeUndefined();
    // @ts-expect-error -- `bulk` and `close` are not tasks
    expect(enqueue.expectEnqueued.bulk).toBeUndefined();
    const recorded = enqueue.enqueued[0];
    if (recorded?.task === "sendEmail") expectTypeOf(recorded.payload).toEqualTypeOf<SendEmailPayload>();
  });

  it("validates like the real producer, with every issue and its path", async () => {
    const enqueue = createTestEnqueue<Enqueue>({ registry, wireNames });
    const bad = { to: "not-an-email", subject: 42 } as unknown as SendEmailPayload;
    const error = await enqueue.sendEmail(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path).sort()).toEqual([["subject"], ["to"]]);
    expect(enqueue.enqueued).toEqual([]);
  });

  it("refuses what the real producer refuses beyond the schema: __proto__ keys and over-deep payloads", async () => {
    const enqueue = createTestEnqueue<Enqueue>({ registry, wireNames });
    const polluted = JSON.parse(
      '{"orderId":"6f1c2a9e-4b7d-4c1e-9f3a-2b8d7e6a5c4b","shipTo":{"city":"Oslo","__proto__":{"x":1}}}',
    );
    await expect(enqueue.processOrder(polluted)).rejects.toMatchObject({
      code: "VALIDATION",
      issues: [expect.objectContaining({ path: ["shipTo", "__proto__"] })],
    });
    let deep: unknown = "leaf";
    for (let i = 0; i < 10_000; i++) deep = { deep };
    const tooDeep = { orderId: "6f1c2a9e-4b7d-4c1e-9f3a-2b8d7e6a5c4b", shipTo: { city: "Oslo", deep } };
    await expect(enqueue.processOrder(tooDeep)).rejects.toMatchObject({ code: "TOO_LARGE" });
    expect(enqueue.enqueued).toEqual([]);
  });

  it("records bulk enqueues and delayed ones", async () => {
    const enqueue = createTestEnqueue<Enqueue>({ registry, wireNames });
    const results = await enqueue.bulk([
      { task: "sendEmail", payload: { to: "a@example.com", subject: "a" } },
      {
        task: "resizeImage",
        payload: { sourceUrl: "https://x.example/a.png", sizes: [{ width: 64, height: 64 }] },
      },
    ]);
    expect(results.map((r) => r.type)).toEqual(["send_email", "resize_image"]);
    const later = await enqueue.sendEmail({ to: "b@example.com", subject: "b" }, { delay: "5m" });
    expect(later.entryId).toBeNull();
    expect(later.runAt).toBeInstanceOf(Date);
    expect(enqueue.expectEnqueued.resizeImage().payload.sizes).toEqual([{ width: 64, height: 64 }]);
  });
});

describe("runHandler", () => {
  it("runs a class handler with a fake context and the overrides given", async () => {
    const mailer = new WelcomeMailer();
    const ctx = await runHandler(
      mailer,
      { to: "ann@example.com", subject: "hi" },
      { attempt: 3, type: "send_email" },
    );
    expect(mailer.sent).toEqual(["3:ann@example.com"]);
    expect(ctx).toMatchObject({ type: "send_email", attempt: 3, queue: "default", metadata: {} });
    expect(ctx.signal.aborted).toBe(false);
  });

  it("rejects with the handler's error, and aborts the signal at the timeout", async () => {
    const mailer = new WelcomeMailer();
    await expect(runHandler(mailer, { to: "x@invalid.example", subject: "hi" })).rejects.toBeInstanceOf(
      PermanentError,
    );
    await expect(
      runHandler(mailer, { to: "a@example.com", subject: "slow" }, { timeout: "20ms" }),
    ).rejects.toBeInstanceOf(TaskTimeoutError);
    await expect(runHandler(async (p: { n: number }) => void p.n, { n: 1 })).resolves.toBeDefined();
  });
});

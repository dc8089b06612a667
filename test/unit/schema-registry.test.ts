// The CLI's in-memory registry (the generator's zod expressions, evaluated) against the generated one.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadSchema } from "../../codegen/load/load.js";
import { registryFromModel } from "../../codegen/operations/schema-registry.js";
import { registry as generated } from "../../generated/index.js";

const built = registryFromModel(
  loadSchema("schema.example.yaml", readFileSync("schema.example.yaml", "utf8")),
);
const uuid = "0b8a6f8e-3c1d-4e2f-9a7b-1c2d3e4f5a6b";
const money = { amount: 1999, currency: "EUR" };

const corpus: [string, unknown][] = [
  ["send_email", { to: "a@example.com", subject: "hi" }],
  ["send_email", { to: "a@example.com", subject: "hi", tags: ["a", "a"] }],
  ["send_email", { to: "a@example.com", subject: "hi", extra: 1 }],
  ["send_email", { to: "not-an-email", subject: "" }],
  ["send_email", { to: "a@example.com", subject: "x".repeat(201) }],
  [
    "process_order",
    {
      orderId: uuid,
      customerId: uuid,
      lines: [{ sku: "ABC-1", quantity: 2, unitPrice: money }],
      total: money,
    },
  ],
  ["process_order", { orderId: uuid, customerId: uuid, lines: [], total: money }],
  [
    "process_order",
    { orderId: "x", customerId: uuid, lines: [{ sku: "abc", quantity: 0, unitPrice: money }], total: money },
  ],
  [
    "process_order",
    {
      orderId: uuid,
      customerId: uuid,
      lines: [{ sku: "ABC", quantity: 1, unitPrice: money }],
      total: { amount: -1, currency: "JPY" },
    },
  ],
  [
    "process_order",
    {
      orderId: uuid,
      customerId: uuid,
      lines: [{ sku: "ABC", quantity: 1, unitPrice: money }],
      total: money,
      couponCode: null,
      placedAt: "2024-01-01T10:00:00Z",
    },
  ],
  [
    "process_order",
    {
      orderId: uuid,
      customerId: uuid,
      lines: [{ sku: "ABC", quantity: 1, unitPrice: money }],
      total: money,
      shipTo: { line1: "1 Main St", city: "Paris", country: "fr" },
    },
  ],
  ["charge_payment", { paymentId: "pay_12345678", amount: money, idempotencyKey: uuid, cardToken: "tok" }],
  ["charge_payment", { paymentId: "short", amount: money, idempotencyKey: uuid }],
  [
    "resize_image",
    { sourceUrl: "https://img.example/a.png", sizes: [{ width: 16, height: 4096 }], quality: 1 },
  ],
  ["resize_image", { sourceUrl: "not a uri", sizes: [{ width: 16, height: 16 }] }],
  [
    "resize_image",
    { sourceUrl: "https://img.example/a.png", sizes: [{ width: 16, height: 16 }], quality: 0 },
  ],
  [
    "resize_image",
    { sourceUrl: "https://img.example/a.png", sizes: [{ width: 15.5, height: 16 }], format: "gif" },
  ],
  [
    "generate_report",
    {
      reportType: "sales",
      periodStart: "2024-01-01",
      periodEnd: "2024-01-31",
      recipients: ["a@example.com"],
      filters: { region: "eu" },
    },
  ],
  [
    "generate_report",
    {
      reportType: "sales",
      periodStart: "2024-02-30",
      periodEnd: "2024-01-31",
      recipients: ["a@example.com"],
    },
  ],
  [
    "generate_report",
    {
      reportType: "sales",
      periodStart: "2024-01-01",
      periodEnd: "2024-01-31",
      recipients: [],
      filters: { n: 1 },
    },
  ],
  [
    "webhook.deliver",
    {
      endpoint: "https://hooks.example/x",
      event: { id: uuid, type: "order.created", occurredAt: "2024-01-01T00:00:00Z", data: {} },
    },
  ],
  [
    "webhook.deliver",
    {
      endpoint: "https://hooks.example/x",
      event: { id: uuid, type: "Order", occurredAt: "2024-01-01T00:00:00Z", data: {} },
      attempt: -1,
    },
  ],
  ["sync_inventory", { warehouseId: "w1", mode: "full" }],
  ["sync_inventory", { warehouseId: "w1", mode: { since: "2024-01-01T00:00:00Z" }, skus: null }],
  ["sync_inventory", { warehouseId: "w1", mode: { since: "2024-01-01T00:00:00Z", extra: true } }],
  ["sync_inventory", { warehouseId: "w1", mode: "partial" }],
  ["sync_inventory", "not an object"],
];

describe("registry built from the schema for the CLI", () => {
  it("has the generated registry's queues, tasks, settings and sensitive paths", () => {
    expect(built.queues).toEqual(generated.queues);
    const settings = (r: typeof built) =>
      Object.fromEntries(
        Object.entries(r.tasks).map(([name, { validator: _v, check, ...rest }]) => [
          name,
          { ...rest, hasCheck: check !== undefined },
        ]),
      );
    expect(settings(built)).toEqual(settings(generated));
  });

  it.each(corpus)("agrees with the generated validator on %s %j", (type, payload) => {
    const mine = built.tasks[type]!.validator.safeParse(payload).success;
    const theirs = generated.tasks[type]!.validator.safeParse(payload).success;
    expect(mine).toBe(theirs);
    const { check } = built.tasks[type]!;
    if (check !== undefined) expect(check(payload)).toBe(theirs);
    expect(generated.tasks[type]!.check?.(payload) ?? theirs).toBe(theirs);
  });

  it("accepts and rejects some of the corpus (the agreement is not vacuous)", () => {
    const verdicts = corpus.map(([type, payload]) => built.tasks[type]!.validator.safeParse(payload).success);
    expect(verdicts.filter(Boolean).length).toBeGreaterThan(5);
    expect(verdicts.filter((v) => !v).length).toBeGreaterThan(5);
  });
});

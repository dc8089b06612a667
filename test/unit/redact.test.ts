import { Writable } from "node:stream";
import { pino } from "pino";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { pinoRedactPaths, REDACTED, redactPayload } from "../../runtime/observe/redact.js";
import type { TaskRegistry } from "../../runtime/types.js";

const registry: TaskRegistry = {
  queues: { default: { name: "default", stream: "tasks", group: "workers", dlq: "tasks:dlq" } },
  tasks: {
    charge_card: {
      name: "charge_card",
      queue: "default",
      validator: z.unknown(),
      sensitivePaths: [["card", "number"], ["cards", "*", "cvv"], ["api-key"]],
    },
  },
};
const payload = {
  amount: 10,
  card: { number: "4111", holder: "Ann" },
  cards: [{ cvv: "123", last4: "1111" }, { cvv: "456" }],
  "api-key": "k",
};

describe("redaction of x-sensitive fields", () => {
  it("replaces sensitive values in a copy of the payload, through arrays", () => {
    const redacted = redactPayload(payload, registry.tasks.charge_card?.sensitivePaths);
    expect(redacted).toEqual({
      amount: 10,
      card: { number: REDACTED, holder: "Ann" },
      cards: [{ cvv: REDACTED, last4: "1111" }, { cvv: REDACTED }],
      "api-key": REDACTED,
    });
    expect(payload.card.number).toBe("4111");
  });

  it("leaves absent fields absent and payloads without sensitive paths untouched", () => {
    expect(redactPayload({ amount: 1 }, [["card", "number"]])).toEqual({ amount: 1 });
    expect(redactPayload("text", [["a"]])).toBe("text");
    expect(redactPayload(payload, undefined)).toBe(payload);
  });

  it("gives pino paths that redact the payload in log lines", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pino({ redact: { paths: pinoRedactPaths(registry), censor: REDACTED } }, sink);
    logger.info({ payload, task: { payload } }, "task started");
    const line = JSON.parse(lines[0] ?? "{}") as {
      payload: typeof payload;
      task: { payload: typeof payload };
    };
    for (const logged of [line.payload, line.task.payload]) {
      expect(logged.card).toEqual({ number: REDACTED, holder: "Ann" });
      expect(logged.cards.map((c) => c.cvv)).toEqual([REDACTED, REDACTED]);
      expect(logged["api-key"]).toBe(REDACTED);
      expect(logged.amount).toBe(10);
    }
  });
});

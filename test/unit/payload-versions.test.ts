// How a worker reads an entry's payload version, with the generated client of
// test/fixtures/versions (send_email at version 3, keeping 1 and 2): current → validated; kept →
// validated at its version, upcast step by step, validated again; newer → handed back, then
// unknown_version; dropped → unknown_version; refused with another producer schema → version_skew.
import { describe, expect, it } from "vitest";
import type { AnyUpcasts, TaskDefinition } from "../../runtime/index.js";
import { failureDisposition } from "../../runtime/worker/retry-policy.js";
import {
  DeferTaskError,
  readVersionedPayload,
  type DeferralPolicy,
} from "../../runtime/wire/payload-versions.js";
import { TaskRejectedError } from "../../runtime/wire/validation.js";
import type { DeliveredTask } from "../../runtime/worker/provider.js";
import { registry } from "../fixtures/versions/out/registry.js";

const sendEmail = registry.tasks.send_email as TaskDefinition;
const policy: DeferralPolicy = { maxDeferrals: 3, delayMs: 100 };
const calls: string[] = [];
const upcasts: AnyUpcasts = {
  fromV1: ((old: { to: string }) => {
    calls.push("fromV1");
    return { to: { email: old.to }, locale: "de" };
  }) as (old: never) => unknown,
  fromV2: ((old: { to: { email: string }; locale: string }) => {
    calls.push("fromV2");
    return { ...old, channel: "email" };
  }) as (old: never) => unknown,
};

function entry(fields: Record<string, string>): DeliveredTask {
  return {
    queue: "mail",
    entryId: "1-0",
    id: "t1",
    type: "send_email",
    payload: fields.payload,
    retry: 0,
    maxRetry: undefined,
    timeoutMs: undefined,
    metadata: {},
    correlationId: undefined,
    createdAt: new Date(0),
    deliveryCount: 1,
    fields,
  };
}

function read(fields: Record<string, string>, value: unknown): unknown {
  return readVersionedPayload(entry(fields), sendEmail, value, upcasts, policy);
}

function rejection(run: () => unknown): TaskRejectedError {
  try {
    run();
  } catch (error) {
    if (error instanceof TaskRejectedError) return error;
    throw error;
  }
  throw new Error("it was not rejected");
}

describe("reading payload versions", () => {
  it("an entry without payload_version is version 1: validated as v1, upcast twice, validated as v3", () => {
    calls.length = 0;
    expect(read({}, { to: "ada@example.com" })).toEqual({
      to: { email: "ada@example.com" },
      locale: "de",
      channel: "email",
    });
    expect(calls).toEqual(["fromV1", "fromV2"]);
  });

  it("version 2 gets one upcast; the current version none (and its default filled in)", () => {
    calls.length = 0;
    expect(read({ payload_version: "2" }, { to: { email: "a@b.co" }, locale: "fr" })).toEqual({
      to: { email: "a@b.co" },
      locale: "fr",
      channel: "email",
    });
    expect(read({ payload_version: "3" }, { to: { email: "a@b.co" }, channel: "sms" })).toEqual({
      to: { email: "a@b.co" },
      locale: "en",
      channel: "sms",
    });
    expect(calls).toEqual(["fromV2"]);
  });

  it("an old payload is validated against its own version's schema first", () => {
    const error = rejection(() => read({ payload_version: "1" }, { to: "not an email" }));
    expect(error.reason).toBe("validation");
    expect(error.message).toContain("to: Invalid email address");
  });

  it("an upcast that returns a payload the next version refuses dead-letters as validation, naming it", () => {
    const broken: AnyUpcasts = { ...upcasts, fromV1: (() => ({ to: "plain" })) as (old: never) => unknown };
    const error = rejection(() =>
      readVersionedPayload(entry({}), sendEmail, { to: "ada@example.com" }, broken, policy),
    );
    expect(error.reason).toBe("validation");
    expect(error.message).toContain(
      'upcast fromV1 of "send_email" returned a payload that does not match version 2',
    );
  });

  it("a newer version is handed back with a growing delay, then dead-lettered as unknown_version", () => {
    const delays: number[] = [];
    for (const deferrals of ["0", "1", "2"]) {
      try {
        read({ payload_version: "4", deferrals }, {});
      } catch (error) {
        expect(error).toBeInstanceOf(DeferTaskError);
        const disposition = failureDisposition(error as Error, 0, {
          maxRetries: 3,
          timeoutMs: 1,
          backoff: { strategy: "constant", baseMs: 1, maxMs: 1, jitter: "none" },
        });
        expect(disposition.kind).toBe("defer");
        delays.push((error as DeferTaskError).delayMs);
      }
    }
    expect(delays).toEqual([100, 200, 400]);
    const error = rejection(() => read({ payload_version: "4", deferrals: "3" }, {}));
    expect(error.reason).toBe("unknown_version");
    expect(error.message).toContain("payload version 4, newer than this worker reads (versions 1–3)");
  });

  it("a version the schema no longer keeps, and an unreadable version, are refused", () => {
    const current: TaskDefinition = {
      ...sendEmail,
      previousVersions: { 2: sendEmail.previousVersions?.[2] ?? { validator: sendEmail.validator } },
    };
    const dropped = rejection(() =>
      readVersionedPayload(entry({ payload_version: "1" }), current, { to: "a@b.co" }, upcasts, policy),
    );
    expect(dropped.reason).toBe("unknown_version");
    expect(dropped.message).toContain("version 1, which this worker no longer reads (versions 2–3)");
    expect(rejection(() => read({ payload_version: "two" }, {})).reason).toBe("malformed");
  });

  it("a refused payload written against another schema of its version is version_skew, not validation", () => {
    const skew = rejection(() =>
      read({ payload_version: "3", payload_schema: "0badc0de" }, { to: {}, channel: "fax" }),
    );
    expect(skew.reason).toBe("version_skew");
    expect(skew.message).toContain(
      `producer's payload_schema 0badc0de, this worker's ${sendEmail.schemaHash}`,
    );
    const same = rejection(() =>
      read({ payload_version: "3", payload_schema: sendEmail.schemaHash ?? "" }, { to: {}, channel: "fax" }),
    );
    expect(same.reason).toBe("validation");
    expect(rejection(() => read({ payload_version: "3" }, { channel: "fax" })).reason).toBe("validation");
  });
});

import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, PermanentError, RetryAfterError, TaskTimeoutError } from "../../runtime/errors.js";
import { failureDisposition } from "../../runtime/worker/retry-policy.js";
import { resolveTaskSettings, type TaskSettings } from "../../runtime/worker/task-settings.js";
import type { TaskDefinition, TaskRegistry } from "../../runtime/types.js";
import { TaskRejectedError } from "../../runtime/wire/validation.js";
import { resolveWorkerOptions } from "../../runtime/worker/options.js";
import { createWorkerRuntime } from "../../runtime/worker/worker.js";

const registry: TaskRegistry = {
  queues: { default: { name: "default", stream: "tasks", group: "workers", dlq: "tasks:dlq" } },
  tasks: { ping: { name: "ping", queue: "default", validator: z.object({}) } },
};
const logger = pino({ level: "silent" });

describe("resolveWorkerOptions", () => {
  it("resolves every option to the library defaults", () => {
    const resolved = resolveWorkerOptions(registry, { logger });
    expect(resolved).toMatchObject({
      queues: ["default"],
      concurrency: 10,
      backoffStrategy: "exponential",
      baseBackoffMs: 1_000,
      maxBackoffMs: 300_000,
      backoffJitter: "full",
      shutdownTimeoutMs: 30_000,
      pollIntervalMs: 1_000,
      errorBackoffMs: 5_000,
      maxDeliveries: 5,
      maxPayloadBytes: 1_048_576,
      maxPayloadDepth: 32,
      // claim idle max(30s, 2 × 30s + 5s) = 65s, extended every third of it
      leaseIntervalMs: 21_666,
      provider: {
        queues: ["default"],
        keyPrefix: "",
        count: 10,
        blockMs: 1_000,
        claimMinIdleMs: 65_000,
        claimCount: 10,
        enableAutoClaim: true,
        commandTimeoutMs: 10_000,
      },
    });
  });

  it("accepts durations as milliseconds or text", () => {
    const resolved = resolveWorkerOptions(registry, {
      logger,
      shutdownTimeout: "1m30s",
      pollInterval: 250,
      block: "2s",
      claimMinIdle: "5m",
    });
    expect(resolved.shutdownTimeoutMs).toBe(90_000);
    expect(resolved.pollIntervalMs).toBe(250);
    expect(resolved.provider).toMatchObject({ blockMs: 2_000, claimMinIdleMs: 300_000 });
  });

  it.each([
    [{ concurrency: 0 }, /`concurrency` must be a positive integer, got 0/],
    [{ concurrency: 1.5 }, /`concurrency` must be a positive integer/],
    [{ shutdownTimeout: "soon" }, /`shutdownTimeout` "soon" is not a duration; write it like/],
    [{ block: 0 }, /`block` must be at least 1ms/],
    [
      { backoffStrategy: "fibonacci" as never },
      /`backoffStrategy` must be one of exponential, linear, constant/,
    ],
    [{ queues: ["nope"] }, /`queues` names "nope", which is not a queue of the schema \(queues: default\)/],
    [{ queues: [] }, /`queues` is empty/],
  ])("refuses %j with a ConfigError naming the option", (options, message) => {
    expect(() => resolveWorkerOptions(registry, { logger, ...options })).toThrow(ConfigError);
    expect(() => resolveWorkerOptions(registry, { logger, ...options })).toThrow(message);
  });

  it("refuses a worker without a handler for a task of its queues", () => {
    expect(() => createWorkerRuntime(registry, { logger }, {})).toThrow(/no handler for task type\(s\) ping/);
  });

  it("refuses at start a lease interval not shorter than the claim idle time", async () => {
    const worker = createWorkerRuntime(
      registry,
      { logger, redis: "redis://127.0.0.1:1", claimMinIdle: "1s", leaseInterval: "1s" },
      { ping: async () => {} },
    );
    await expect(worker.start()).rejects.toThrow(
      /`leaseInterval` \(1000ms\) must be shorter than the claim idle time \(1000ms\)/,
    );
  });
});

describe("resolveTaskSettings: entry > schema task > worker options > library defaults", () => {
  const worker = resolveWorkerOptions(registry, {
    logger,
    backoffStrategy: "linear",
    baseBackoff: "2s",
    maxBackoff: "1m",
    backoffJitter: "none",
  });
  const definition: TaskDefinition = {
    name: "ping",
    queue: "default",
    maxRetries: 7,
    timeoutMs: 5_000,
    backoff: { strategy: "constant", baseMs: 100 },
    validator: z.object({}),
  };

  it.each([
    ["entry fields win", { maxRetry: 1, timeoutMs: 250 }, definition, { maxRetries: 1, timeoutMs: 250 }],
    [
      "schema task next",
      { maxRetry: undefined, timeoutMs: undefined },
      definition,
      { maxRetries: 7, timeoutMs: 5_000 },
    ],
    [
      "a zero timeout on the entry inherits",
      { maxRetry: undefined, timeoutMs: 0 },
      definition,
      { timeoutMs: 5_000 },
    ],
    [
      "library defaults last",
      { maxRetry: undefined, timeoutMs: undefined },
      undefined,
      { maxRetries: 3, timeoutMs: 30_000 },
    ],
  ])("%s", (_name, entry, def, expected) => {
    expect(resolveTaskSettings(entry, def, worker)).toMatchObject(expected);
  });

  it("takes each backoff field from the schema where set, else from the worker options", () => {
    expect(
      resolveTaskSettings({ maxRetry: undefined, timeoutMs: undefined }, definition, worker).backoff,
    ).toEqual({
      strategy: "constant",
      baseMs: 100,
      maxMs: 60_000,
      jitter: "none",
    });
    expect(
      resolveTaskSettings({ maxRetry: undefined, timeoutMs: undefined }, undefined, worker).backoff,
    ).toEqual({
      strategy: "linear",
      baseMs: 2_000,
      maxMs: 60_000,
      jitter: "none",
    });
  });
});

describe("failureDisposition", () => {
  const settings: TaskSettings = {
    maxRetries: 2,
    timeoutMs: 1_000,
    backoff: { strategy: "exponential", baseMs: 100, maxMs: 10_000, jitter: "none" },
  };

  it.each([
    ["a handler error, first retry", new Error("x"), 0, { kind: "retry", delayMs: 100 }],
    ["a handler error, second retry", new Error("x"), 1, { kind: "retry", delayMs: 200 }],
    ["a timeout", new TaskTimeoutError("ping", 1_000), 0, { kind: "retry", delayMs: 100 }],
    ["a RetryAfterError", new RetryAfterError(7_000), 1, { kind: "retry", delayMs: 7_000 }],
  ] as const)("retries %s", (_name, error, retry, expected) => {
    expect(failureDisposition(error, retry, settings)).toEqual(expected);
  });

  it.each([
    ["exhausted retries", new Error("last"), 2, "max_retries", "last"],
    ["exhausted retries with RetryAfterError", new RetryAfterError(5, "later"), 2, "max_retries", "later"],
    ["a PermanentError", new PermanentError("gone"), 0, "permanent", "gone"],
    ["a rejected entry", new TaskRejectedError("malformed", "bad json"), 0, "malformed", "bad json"],
  ] as const)("dead-letters %s", (_name, error, retry, reason, message) => {
    const disposition = failureDisposition(error, retry, settings);
    expect(disposition).toMatchObject({ kind: "dead_letter", details: { reason, error: message } });
  });
});

/**
 * Testing helpers for code that uses jobgen, without Redis (`import ... from "@jobgen/runtime/testing"`):
 *
 * - {@link runHandler} runs a handler with a payload and a fake {@link TaskContext};
 * - {@link createTestEnqueue} is an in-memory stand-in for the generated `createEnqueue`: the same
 *   members, validating like the real producer, recording what was enqueued, with typed
 *   `expectEnqueued.sendEmail({...})` assertions.
 */
import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { pino, type Logger } from "pino";
import { ConfigError, TaskTimeoutError, UnknownTaskError } from "./errors.js";
import type { EnqueueOptions, EnqueuedTask, Handler, TaskContext, TaskRegistry } from "./types.js";
import { toMilliseconds } from "./duration.js";
import { checkOutgoingPayload } from "./producer/outgoing-payload.js";

/** What {@link runHandler} lets a test set on the fake context; everything else gets a plain default. */
export interface FakeContextOptions {
  /** @defaultValue a random UUID */
  readonly taskId?: string | undefined;
  /** @defaultValue `"test"` */
  readonly type?: string | undefined;
  /** @defaultValue `"default"` */
  readonly queue?: string | undefined;
  /** @defaultValue 1 */
  readonly attempt?: number | undefined;
  /** @defaultValue 3 */
  readonly maxRetries?: number | undefined;
  /** @defaultValue `{}` */
  readonly metadata?: Readonly<Record<string, string>> | undefined;
  /** @defaultValue a random UUID */
  readonly correlationId?: string | undefined;
  /** @defaultValue now */
  readonly enqueuedAt?: Date | undefined;
  /** Aborts `ctx.signal` after this long (ms or text such as `"2s"`), as the worker's timeout does. @defaultValue never */
  readonly timeout?: number | string | undefined;
  /** A signal of the test's own; `ctx.signal` aborts with it. @defaultValue none */
  readonly signal?: AbortSignal | undefined;
  /** @defaultValue a silent pino logger */
  readonly logger?: Logger | undefined;
}

/** Calls `handler` (function or object with `handle`) as the worker would; resolves with the context it got. */
export async function runHandler<Payload>(
  handler: Handler<Payload>,
  payload: Payload,
  options: FakeContextOptions = {},
): Promise<TaskContext<Payload>> {
  const controller = new AbortController();
  const type = options.type ?? "test";
  const timeoutMs = options.timeout === undefined ? undefined : toMilliseconds(options.timeout);
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => controller.abort(new TaskTimeoutError(type, timeoutMs)), timeoutMs);
  const onOuterAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  if (options.signal?.aborted) onOuterAbort();
  const ctx: TaskContext<Payload> = {
    taskId: options.taskId ?? randomUUID(),
    type,
    queue: options.queue ?? "default",
    payload,
    attempt: options.attempt ?? 1,
    maxRetries: options.maxRetries ?? 3,
    metadata: options.metadata ?? {},
    correlationId: options.correlationId ?? randomUUID(),
    enqueuedAt: options.enqueuedAt ?? new Date(),
    signal: controller.signal,
    logger: options.logger ?? pino({ level: "silent" }),
  };
  try {
    if (typeof handler === "function") await handler(payload, ctx);
    else await handler.handle(payload, ctx);
    return ctx;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onOuterAbort);
  }
}

/** The task members of a generated `Enqueue` type (`sendEmail`, ...), without `bulk` and `close`. */
export type TaskMember<E> = {
  [K in keyof E]: K extends "bulk" | "close"
    ? never
    : E[K] extends (payload: never, options?: EnqueueOptions) => Promise<EnqueuedTask>
      ? K
      : never;
}[keyof E] &
  string;

/** The payload type of one member of a generated `Enqueue` type. */
export type PayloadOf<E, K extends TaskMember<E>> = E[K] extends (
  payload: infer P,
  ...rest: never[]
) => unknown
  ? P
  : never;

/** A recursive partial, for matching payloads on the fields a test cares about. */
export type DeepPartial<T> = T extends readonly (infer U)[]
  ? readonly DeepPartial<U>[]
  : T extends object
    ? { readonly [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** One task the code under test enqueued. */
export type RecordedTask<E> = {
  [K in TaskMember<E>]: {
    /** Member name (`sendEmail`). */
    readonly task: K;
    /** Wire name (`send_email`). */
    readonly type: string;
    /** The payload as the worker would receive it (a JSON round trip of what was passed). */
    readonly payload: PayloadOf<E, K>;
    readonly options: EnqueueOptions;
    readonly result: EnqueuedTask;
  };
}[TaskMember<E>];

/** What {@link createTestEnqueue} adds to the generated members. */
export interface EnqueueRecorder<E> {
  /** Every task enqueued so far, in order. */
  readonly enqueued: readonly RecordedTask<E>[];
  /**
   * One assertion per task member: `expectEnqueued.sendEmail({ to: "a@b.co" })` returns the first
   * recorded task of that member whose payload contains `expected` (deep, partial), and throws an
   * error listing what was enqueued when there is none.
   */
  readonly expectEnqueued: {
    readonly [K in TaskMember<E>]: (
      expected?: DeepPartial<PayloadOf<E, K>>,
    ) => Extract<RecordedTask<E>, { task: K }>;
  };
  /** Forgets everything recorded. */
  clearEnqueued(): void;
}

/** What the generated client exports: `registry` and `wireNames` (member name → wire name). */
export interface GeneratedClient {
  readonly registry: TaskRegistry;
  readonly wireNames: Readonly<Record<string, string>>;
}

/**
 * An in-memory `Enqueue` for tests: `createTestEnqueue<Enqueue>({ registry, wireNames })` with the
 * generated `Enqueue` type and the generated module's exports. Each member validates its payload
 * with the task's zod validator (throwing `ValidationError` with every issue, like the producer),
 * then records it; nothing touches Redis. An `idempotencyKey` seen before yields `deduplicated`.
 */
export function createTestEnqueue<E extends object>(client: GeneratedClient): E & EnqueueRecorder<E> {
  const { registry, wireNames } = client;
  const memberOf = new Map(Object.entries(wireNames).map(([member, wire]) => [wire, member]));
  const enqueued: RecordedTask<E>[] = [];
  const idempotency = new Map<string, EnqueuedTask>();
  let entrySequence = 0;

  function check(type: string, payload: unknown): unknown {
    const task = Object.hasOwn(registry.tasks, type) ? registry.tasks[type] : undefined;
    if (task === undefined) throw new UnknownTaskError(type);
    return JSON.parse(checkOutgoingPayload(type, task, payload)) as unknown;
  }

  function record(type: string, payload: unknown, options: EnqueueOptions = {}): EnqueuedTask {
    const copy = check(type, payload);
    const earlier =
      options.idempotencyKey === undefined ? undefined : idempotency.get(options.idempotencyKey);
    if (earlier !== undefined) return { ...earlier, deduplicated: true };
    const delayMs = options.delay === undefined ? 0 : toMilliseconds(options.delay);
    const result: EnqueuedTask = {
      id: randomUUID(),
      type,
      queue: registry.tasks[type]?.queue ?? "",
      entryId: delayMs > 0 ? null : `${Date.now()}-${entrySequence++}`,
      runAt: delayMs > 0 ? new Date(Date.now() + delayMs) : null,
      deduplicated: false,
    };
    if (options.idempotencyKey !== undefined) idempotency.set(options.idempotencyKey, result);
    const task = memberOf.get(type) ?? type;
    enqueued.push({ task, type, payload: copy, options, result } as RecordedTask<E>);
    return result;
  }

  const members: Record<string, unknown> = {};
  for (const [member, wire] of Object.entries(wireNames)) {
    members[member] = async (payload: unknown, options?: EnqueueOptions) => record(wire, payload, options);
  }
  members.bulk = async (items: readonly { task: string; payload: unknown; options?: EnqueueOptions }[]) => {
    items.forEach((item) => check(wireNameOf(item.task), item.payload));
    return items.map((item) => record(wireNameOf(item.task), item.payload, item.options));
  };
  members.close = async () => {};

  function wireNameOf(member: string): string {
    const wire = Object.hasOwn(wireNames, member) ? wireNames[member] : undefined;
    if (wire === undefined) throw new ConfigError(`unknown task member "${member}" in bulk item`);
    return wire;
  }

  const expectEnqueued: Record<string, (expected?: unknown) => RecordedTask<E>> = {};
  for (const member of Object.keys(wireNames)) {
    expectEnqueued[member] = (expected) => {
      const own = enqueued.filter((r) => r.task === member);
      const found = own.find((r) => expected === undefined || contains(r.payload, expected));
      if (found !== undefined) return found;
      const listing =
        enqueued.map((r) => `  ${r.task}(${JSON.stringify(r.payload)})`).join("\n") || "  (nothing)";
      throw new Error(
        `expected ${member}(${expected === undefined ? "" : JSON.stringify(expected)}) to have been enqueued; ` +
          `enqueued:\n${listing}`,
      );
    };
  }

  return Object.assign(members, {
    enqueued,
    expectEnqueued,
    clearEnqueued: () => {
      enqueued.length = 0;
      idempotency.clear();
    },
  }) as unknown as E & EnqueueRecorder<E>;
}

/** `actual` has every field of `expected` with an equal value (objects partially, arrays element by element). */
function contains(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((e, i) => contains(actual[i], e))
    );
  }
  if (typeof expected === "object" && expected !== null) {
    if (typeof actual !== "object" || actual === null) return false;
    return Object.entries(expected).every(([key, value]) =>
      contains((actual as Record<string, unknown>)[key], value),
    );
  }
  return isDeepStrictEqual(actual, expected);
}

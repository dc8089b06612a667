/**
 * OpenTelemetry spans for enqueue (kind PRODUCER) and handle (kind CONSUMER), with the W3C trace
 * context carried in the task's metadata as `traceparent` (the worker reads it from there or from
 * the `traceparent` field), so a handler's span continues the trace of the code that enqueued.
 *
 * Active only when `@opentelemetry/api` can be imported: it is loaded with a dynamic import that
 * tolerates its absence, and jobgen does not depend on it. With the API but no SDK registered the
 * spans are no-ops, yet the trace context still flows. The few API members used are typed here
 * structurally, so type-checking jobgen does not need the package either.
 */

import type { Middleware } from "../worker/middleware/compose.js";

/** The metadata key (and stream field) carrying the W3C trace context. */
export const TRACEPARENT_KEY = "traceparent";

/** Name of the tracer jobgen's spans come from. */
export const TRACER_NAME = "jobgen";

/** What a span of an enqueue says about the task. */
export interface EnqueueSpanInfo {
  readonly type: string;
  readonly queue: string;
}

/** What a span of a handle says about the task. */
export interface HandleSpanInfo {
  readonly type: string;
  readonly queue: string;
  readonly taskId: string;
  readonly attempt: number;
  /** The producer's W3C trace context; the span's parent when valid. */
  readonly traceparent: string | undefined;
}

/**
 * Runs `enqueue` inside a PRODUCER span and hands it the metadata to write, with `traceparent`
 * set to that span (or left as it was when OpenTelemetry is not installed, or no tracer provider is
 * registered: then no span could carry a trace, and none is made).
 */
export function traceEnqueue<T>(
  info: EnqueueSpanInfo,
  metadata: Readonly<Record<string, string>> | undefined,
  enqueue: (metadata: Readonly<Record<string, string>> | undefined) => Promise<T>,
): Promise<T> {
  if (lookedUp === undefined) return loadOpenTelemetry().then(() => traceEnqueue(info, metadata, enqueue));
  const api = tracingApi(lookedUp.api);
  if (api === undefined) return enqueue(metadata);
  const tracer = api.trace.getTracer(TRACER_NAME);
  return tracer.startActiveSpan(
    `enqueue ${info.type}`,
    { kind: api.SpanKind.PRODUCER, attributes: taskAttributes(info) },
    async (span) => {
      try {
        const traceparent = formatTraceparent(span.spanContext());
        return await enqueue(
          traceparent === undefined ? metadata : { ...metadata, [TRACEPARENT_KEY]: traceparent },
        );
      } catch (error) {
        recordFailure(api, span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * Runs `handle` inside a CONSUMER span, child of the task's `traceparent` when it has one. Once the
 * API was looked for (the worker does it at start), no extra promise or tick is added per task.
 */
export function traceHandle<T>(info: HandleSpanInfo, handle: () => Promise<T>): Promise<T> {
  if (lookedUp === undefined) return loadOpenTelemetry().then(() => traceHandle(info, handle));
  const api = tracingApi(lookedUp.api);
  if (api === undefined) return handle();
  const tracer = api.trace.getTracer(TRACER_NAME);
  const remote = parseTraceparent(info.traceparent);
  const parent =
    remote === undefined ? api.context.active() : api.trace.setSpanContext(api.context.active(), remote);
  const attributes = {
    ...taskAttributes(info),
    "messaging.message.id": info.taskId,
    "jobgen.attempt": info.attempt,
  };
  return tracer.startActiveSpan(
    `handle ${info.type}`,
    { kind: api.SpanKind.CONSUMER, attributes },
    parent,
    (span) => {
      const failed = (error: unknown): never => {
        recordFailure(api, span, error);
        span.end();
        throw error;
      };
      let handling: Promise<T>;
      try {
        handling = handle();
      } catch (error) {
        handling = Promise.reject(error);
      }
      return handling.then((value) => {
        span.end();
        return value;
      }, failed);
    },
  );
}

/**
 * The API when spans are worth making: installed, and a tracer provider (an SDK) registered.
 * Without one every span is a no-op with an invalid context and, with no context manager either,
 * nothing could see it: producer and worker then skip it (a span per task cost ~3 µs of worker CPU
 * for nothing). Unknown API shapes count as registered.
 */
function tracingApi(api: OpenTelemetryApi | undefined): OpenTelemetryApi | undefined {
  if (api === undefined) return undefined;
  const provider = api.trace.getTracerProvider() as { getDelegate?: () => unknown };
  if (typeof provider.getDelegate !== "function" || api.ProxyTracerProvider === undefined) return api;
  noopTracerProvider ??= new api.ProxyTracerProvider().getDelegate();
  return provider.getDelegate() === noopTracerProvider ? undefined : api;
}

/** What an unregistered ProxyTracerProvider delegates to: the API's no-op provider. */
let noopTracerProvider: unknown;

/**
 * The worker's default `traceHook`: each attempt runs in a CONSUMER span continuing the producer's
 * trace. (The producer calls {@link traceEnqueue} for every enqueue.)
 */
export function openTelemetryTraceHook(): Middleware {
  return (ctx, next) =>
    // No span to make (the common case without an SDK): no span info object either.
    lookedUp !== undefined && tracingApi(lookedUp.api) === undefined
      ? next()
      : traceHandle(
          {
            type: ctx.type ?? "(unknown)",
            queue: ctx.queue,
            taskId: ctx.taskId,
            attempt: ctx.attempt,
            traceparent: ctx.traceparent,
          },
          next,
        );
}

/** `00-<trace id>-<span id>-<flags>`, or `undefined` for an invalid (all-zero) span context. */
export function formatTraceparent(context: SpanContext): string | undefined {
  if (!/^[0-9a-f]{32}$/.test(context.traceId) || /^0+$/.test(context.traceId)) return undefined;
  if (!/^[0-9a-f]{16}$/.test(context.spanId) || /^0+$/.test(context.spanId)) return undefined;
  return `00-${context.traceId}-${context.spanId}-${(context.traceFlags & 0xff).toString(16).padStart(2, "0")}`;
}

/** The remote span context a `traceparent` names; `undefined` when absent or not W3C version 00. */
export function parseTraceparent(text: string | undefined): SpanContext | undefined {
  const match =
    text === undefined ? null : /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(text.trim());
  if (match === null) return undefined;
  const [, traceId = "", spanId = "", flags = "00"] = match;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16), isRemote: true };
}

function taskAttributes(info: EnqueueSpanInfo): Record<string, string> {
  return {
    "messaging.system": "redis_streams",
    "messaging.destination.name": info.queue,
    "jobgen.task.type": info.type,
  };
}

function recordFailure(api: OpenTelemetryApi, span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({
    code: api.SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}

let loading: Promise<OpenTelemetryApi | undefined> | undefined;
/** Set once the import settled: what it found. */
let lookedUp: { readonly api: OpenTelemetryApi | undefined } | undefined;

/** `@opentelemetry/api` when installed, else `undefined`; imported once. */
export function loadOpenTelemetry(): Promise<OpenTelemetryApi | undefined> {
  const specifier: string = "@opentelemetry/api";
  loading ??= import(specifier).then(
    (module: OpenTelemetryApi) => {
      lookedUp = { api: module };
      return module;
    },
    () => {
      lookedUp = { api: undefined };
      return undefined;
    },
  );
  return loading;
}

// The members of @opentelemetry/api jobgen uses, typed structurally (see the file comment).
interface SpanContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
  readonly isRemote?: boolean | undefined;
}

interface Span {
  spanContext(): SpanContext;
  recordException(exception: Error | string): void;
  setStatus(status: { code: number; message?: string }): void;
  end(): void;
}

interface SpanOptions {
  kind?: number | undefined;
  attributes?: Record<string, string | number> | undefined;
}

interface Tracer {
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    context: unknown,
    fn: F,
  ): ReturnType<F>;
}

interface OpenTelemetryApi {
  readonly trace: {
    getTracer(name: string, version?: string): Tracer;
    setSpanContext(context: unknown, spanContext: SpanContext): unknown;
    getTracerProvider(): unknown;
  };
  /** Deprecated in the API (to go in its next major): then every attempt gets a span. */
  readonly ProxyTracerProvider?: (new () => { getDelegate(): unknown }) | undefined;
  readonly context: { active(): unknown };
  readonly SpanKind: { readonly PRODUCER: number; readonly CONSUMER: number };
  readonly SpanStatusCode: { readonly ERROR: number };
}

/**
 * An in-memory OpenTelemetry setup built on @opentelemetry/api alone (no SDK): an AsyncLocalStorage
 * context manager and a tracer provider that records finished spans, so tests can follow a trace.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import {
  context,
  ROOT_CONTEXT,
  trace,
  type Context,
  type ContextManager,
  type Span,
  type SpanAttributes,
  type SpanContext,
  type SpanKind,
  type SpanOptions,
  type SpanStatus,
  type Tracer,
} from "@opentelemetry/api";

export interface RecordedSpan {
  readonly name: string;
  readonly kind: SpanKind | undefined;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly attributes: SpanAttributes;
  readonly status: SpanStatus | undefined;
}

class AsyncLocalContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.storage.run(ctx, () => fn.call(thisArg, ...args));
  }
  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== "function") return target;
    const run = (...args: unknown[]): unknown =>
      this.with(ctx, () => (target as (...a: unknown[]) => unknown)(...args));
    return run as T;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.storage.disable();
    return this;
  }
}

class MemorySpan implements Span {
  private readonly attributes: SpanAttributes = {};
  private status: SpanStatus | undefined;
  constructor(
    private name: string,
    private readonly context: SpanContext,
    private readonly kind: SpanKind | undefined,
    private readonly parentSpanId: string | undefined,
    private readonly finished: RecordedSpan[],
    attributes: SpanAttributes | undefined,
  ) {
    Object.assign(this.attributes, attributes);
  }
  spanContext(): SpanContext {
    return this.context;
  }
  setAttribute(key: string, value: SpanAttributes[string]): this {
    this.attributes[key] = value;
    return this;
  }
  setAttributes(attributes: SpanAttributes): this {
    Object.assign(this.attributes, attributes);
    return this;
  }
  addEvent(): this {
    return this;
  }
  addLink(): this {
    return this;
  }
  addLinks(): this {
    return this;
  }
  setStatus(status: SpanStatus): this {
    this.status = status;
    return this;
  }
  updateName(name: string): this {
    this.name = name;
    return this;
  }
  end(): void {
    this.finished.push({
      name: this.name,
      kind: this.kind,
      traceId: this.context.traceId,
      spanId: this.context.spanId,
      parentSpanId: this.parentSpanId,
      attributes: { ...this.attributes },
      status: this.status,
    });
  }
  isRecording(): boolean {
    return true;
  }
  recordException(): void {}
}

class MemoryTracer implements Tracer {
  constructor(private readonly finished: RecordedSpan[]) {}
  startSpan(name: string, options: SpanOptions = {}, ctx: Context = context.active()): Span {
    const parent = trace.getSpanContext(ctx);
    const spanContext: SpanContext = {
      traceId: parent?.traceId ?? randomBytes(16).toString("hex"),
      spanId: randomBytes(8).toString("hex"),
      traceFlags: 1,
    };
    return new MemorySpan(name, spanContext, options.kind, parent?.spanId, this.finished, options.attributes);
  }
  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...rest: unknown[]): ReturnType<F> {
    const fn = rest.at(-1) as F;
    const options = (rest.length >= 2 ? rest[0] : {}) as SpanOptions;
    const ctx = (rest.length >= 3 ? rest[1] : context.active()) as Context;
    const span = this.startSpan(name, options, ctx);
    return context.with(trace.setSpan(ctx, span), () => fn(span)) as ReturnType<F>;
  }
}

/** Registers the in-memory tracer globally; returns the finished spans and a function to undo it. */
export function installMemoryTracing(): { spans: RecordedSpan[]; uninstall: () => void } {
  const spans: RecordedSpan[] = [];
  context.setGlobalContextManager(new AsyncLocalContextManager());
  trace.setGlobalTracerProvider({ getTracer: () => new MemoryTracer(spans) });
  return {
    spans,
    uninstall: () => {
      trace.disable();
      context.disable();
    },
  };
}

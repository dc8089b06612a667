/** The handlers a worker is given: checked against its queues once, called as the onion's last step. */
import { ConfigError } from "../errors.js";
import type { AnyHandler, HandlerFunction, HandlerObject, TaskRegistry } from "../types.js";
import { HandlerContext } from "./attempt-context.js";
import type { MiddlewareContext } from "./middleware/compose.js";

/** Every task type of the consumed queues needs a handler (handlers of other queues are unused). */
export function checkHandlers(
  registry: TaskRegistry,
  queues: readonly string[],
  handlers: Readonly<Record<string, AnyHandler>>,
): void {
  const expected = Object.values(registry.tasks)
    .filter((task) => queues.includes(task.queue))
    .map((task) => task.name);
  const missing = expected.filter((name) => !Object.hasOwn(handlers, name));
  if (missing.length > 0) {
    throw new ConfigError(
      `no handler for task type(s) ${missing.join(", ")} of the consumed queues (${queues.join(", ")}); ` +
        "add them to the handlers, or consume fewer queues with the `queues` option",
    );
  }
}

/** Calls the task's handler, function or object, with the payload and its {@link HandlerContext}. */
export function callHandler(
  handlers: Readonly<Record<string, AnyHandler>>,
  ctx: MiddlewareContext,
): Promise<void> {
  const type = ctx.type ?? "";
  const handler = Object.hasOwn(handlers, type) ? handlers[type] : undefined;
  if (handler === undefined) throw new ConfigError(`no handler for task type "${type}"`);
  const taskContext = new HandlerContext(ctx);
  return typeof handler === "function"
    ? (handler as HandlerFunction<unknown>)(ctx.payload, taskContext)
    : (handler as HandlerObject<unknown>).handle(ctx.payload, taskContext);
}

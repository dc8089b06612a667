/**
 * Timeout: at `ctx.timeoutMs` aborts `ctx.signal` with a {@link TaskTimeoutError} and fails the
 * attempt with it at once, even when the handler ignores the signal; the handler's promise is then
 * abandoned (its late result is only logged). A timeout counts as a failed attempt.
 */
import { TaskTimeoutError } from "../../errors.js";
import type { Middleware, MiddlewareContext } from "./compose.js";

/** setTimeout fires at once for delays above 2^31−1 ms; longer timeouts mean "none". */
const MAX_TIMER_MS = 2_147_483_647;

export function timeoutMiddleware(): Middleware {
  return (ctx, next) => (hasTimeout(ctx) ? withTimeout(ctx, next()) : next());
}

/** Whether the attempt has a timeout a timer can hold. */
export function hasTimeout(ctx: MiddlewareContext): boolean {
  return ctx.timeoutMs > 0 && ctx.timeoutMs <= MAX_TIMER_MS;
}

/** `handling`, failed with a {@link TaskTimeoutError} (and `ctx` aborted) when it outlasts `ctx.timeoutMs`. */
export function withTimeout(ctx: MiddlewareContext, handling: Promise<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      const error = new TaskTimeoutError(ctx.type ?? "(none)", ctx.timeoutMs);
      ctx.abort(error);
      reject(error);
    }, ctx.timeoutMs);
    handling.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (timedOut) ctx.logger.debug({ err: error }, "abandoned handler settled after its timeout");
        else reject(error);
      },
    );
  });
}

/**
 * Timeout: at `ctx.timeoutMs` aborts `ctx.signal` with a {@link TaskTimeoutError} and fails the
 * attempt with it at once, even when the handler ignores the signal; the handler's promise is then
 * abandoned (its late result is only logged). A timeout counts as a failed attempt.
 */
import { TaskTimeoutError } from "../errors.js";
import type { Middleware } from "../middleware.js";

/** setTimeout fires at once for delays above 2^31−1 ms; longer timeouts mean "none". */
const MAX_TIMER_MS = 2_147_483_647;

export function timeoutMiddleware(): Middleware {
  return async (ctx, next) => {
    if (!(ctx.timeoutMs > 0 && ctx.timeoutMs <= MAX_TIMER_MS)) return next();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new TaskTimeoutError(ctx.type ?? "(none)", ctx.timeoutMs);
        ctx.abort(error);
        reject(error);
      }, ctx.timeoutMs);
    });
    const running = next();
    try {
      await Promise.race([running, timedOut]);
    } finally {
      clearTimeout(timer);
      running.catch((error: unknown) => {
        if (ctx.signal.aborted)
          ctx.logger.debug({ err: error }, "abandoned handler settled after its timeout");
      });
    }
  };
}

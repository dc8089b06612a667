/**
 * Validation: parses the payload safely and checks it with the task's zod validator before
 * anything below runs; sets `ctx.payload`. A rejected task never reaches its handler: the worker
 * dead-letters the {@link TaskRejectedError} with its reason (`malformed`, `unknown_type`,
 * `too_large`, `validation`), without retries.
 */
import type { Middleware } from "./compose.js";
import { validateDeliveredPayload, type PayloadLimits } from "../../wire/validation.js";

/** `defaults` apply where a task definition sets no `maxPayloadBytes` / `maxDepth`. */
export function validationMiddleware(defaults: PayloadLimits): Middleware {
  return (ctx, next) => {
    const limits: PayloadLimits = {
      maxBytes: ctx.definition?.maxPayloadBytes ?? defaults.maxBytes,
      maxDepth: ctx.definition?.maxDepth ?? defaults.maxDepth,
    };
    const payloadIsValidUtf8 = ctx.task.invalidUtf8Fields?.includes("payload") !== true;
    ctx.payload = validateDeliveredPayload(
      ctx.type,
      ctx.task.payload,
      ctx.definition,
      limits,
      payloadIsValidUtf8,
    );
    return next();
  };
}

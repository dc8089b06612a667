/**
 * Validation: parses the payload safely and checks it with the task's zod validator before
 * anything below runs, reading its payload version (an earlier one is upcast to the current one;
 * see payload-versions.ts); sets `ctx.payload`. A rejected task never reaches its handler: the
 * worker dead-letters the {@link TaskRejectedError} with its reason (`malformed`, `unknown_type`,
 * `too_large`, `validation`, `version_skew`, `unknown_version`), without retries.
 */
import type { Middleware } from "./compose.js";
import { DEFAULT_MAX_VERSION_DEFERRALS, DEFAULT_VERSION_DEFERRAL_DELAY_MS } from "../../defaults.js";
import type { AnyUpcasts } from "../../types.js";
import { readVersionedPayload, type DeferralPolicy } from "../../wire/payload-versions.js";
import { validateDeliveredPayload, type PayloadLimits } from "../../wire/validation.js";

/**
 * `defaults` apply where a task definition sets no `maxPayloadBytes` / `maxDepth`; `upcasts` are
 * the worker's, by wire name; `deferral` says how entries of a newer payload version are handed back.
 */
export function validationMiddleware(
  defaults: PayloadLimits,
  upcasts: Readonly<Record<string, AnyUpcasts>> = {},
  deferral: DeferralPolicy = {
    maxDeferrals: DEFAULT_MAX_VERSION_DEFERRALS,
    delayMs: DEFAULT_VERSION_DEFERRAL_DELAY_MS,
  },
): Middleware {
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
      (definition, value) =>
        readVersionedPayload(
          ctx.task,
          definition,
          value,
          Object.hasOwn(upcasts, definition.name) ? upcasts[definition.name] : undefined,
          deferral,
        ),
    );
    return next();
  };
}

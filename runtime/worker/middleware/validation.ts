/**
 * Validation: parses the payload safely and checks it with the task's compiled check (or zod
 * validator) before anything below runs, reading its payload version (an earlier one is upcast to
 * the current one; see payload-versions.ts); sets `ctx.payload`. A rejected task never reaches its
 * handler: the worker dead-letters the {@link TaskRejectedError} with its reason (`malformed`,
 * `unknown_type`, `too_large`, `validation`, `version_skew`, `unknown_version`), without retries.
 */
import type { Middleware, MiddlewareContext } from "./compose.js";
import { DEFAULT_MAX_VERSION_DEFERRALS, DEFAULT_VERSION_DEFERRAL_DELAY_MS } from "../../defaults.js";
import type { AnyUpcasts, TaskDefinition } from "../../types.js";
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
  const validate = payloadValidation(defaults, upcasts, deferral);
  return (ctx, next) => {
    ctx.payload = validate(ctx);
    return next();
  };
}

/** The validated payload of an attempt, or a thrown {@link TaskRejectedError} (what the middleware runs). */
export function payloadValidation(
  defaults: PayloadLimits,
  upcasts: Readonly<Record<string, AnyUpcasts>>,
  deferral: DeferralPolicy,
): (ctx: MiddlewareContext) => unknown {
  // One limits object per task type, made on its first task.
  const limitsByDefinition = new Map<TaskDefinition | undefined, PayloadLimits>();
  const limitsOf = (definition: TaskDefinition | undefined): PayloadLimits => {
    let limits = limitsByDefinition.get(definition);
    if (limits === undefined) {
      limits = {
        maxBytes: definition?.maxPayloadBytes ?? defaults.maxBytes,
        maxDepth: definition?.maxDepth ?? defaults.maxDepth,
      };
      limitsByDefinition.set(definition, limits);
    }
    return limits;
  };
  return (ctx) => {
    const { definition, task } = ctx;
    const payloadIsValidUtf8 = task.invalidUtf8Fields?.includes("payload") !== true;
    const value = validateDeliveredPayload(
      ctx.type,
      task.payload,
      definition,
      limitsOf(definition),
      payloadIsValidUtf8,
      parsedAsItIs,
    );
    // validateDeliveredPayload refused a task without definition above.
    const read = definition as TaskDefinition;
    const taskUpcasts = Object.hasOwn(upcasts, read.name) ? upcasts[read.name] : undefined;
    return readVersionedPayload(task, read, value, taskUpcasts, deferral);
  };
}

/** The parsed payload, for {@link readVersionedPayload} to validate at its own version. */
function parsedAsItIs(_definition: TaskDefinition, value: unknown): unknown {
  return value;
}

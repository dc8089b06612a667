import type { JsonSchema } from "../../model/json-schema.js";
import type { Doc } from "../layout.js";

/**
 * The runtime's keyword and format checks a validator may call (runtime/wire/keyword-checks.ts,
 * runtime/wire/formats.ts); validators.ts imports only those used.
 */
export type HelperName =
  | "codePointLength"
  | "hasUniqueItems"
  | "isMultipleOf"
  | "jsonEquals"
  | "isEmail"
  | "isUuid"
  | "isDateTime"
  | "isDate"
  | "isUri";

/** State shared by the transforms while one validators file is built. */
export interface ZodContext {
  readonly helpers: Set<HelperName>;
  /** The zod expression of any schema (the dispatcher), for transforms that nest schemas. */
  readonly transform: (schema: JsonSchema) => Doc;
}

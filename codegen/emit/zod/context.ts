import type { JsonSchema } from "../../model/json-schema.js";
import type { Doc } from "../layout.js";

/** Static helpers a validator may call; validators.ts declares only those used. */
export type HelperName =
  "codePointLength" | "hasUniqueItems" | "isEmail" | "isUuid" | "isDateTime" | "isDate" | "isUri";

/** State shared by the transforms while one validators file is built. */
export interface ZodContext {
  readonly helpers: Set<HelperName>;
  /** The zod expression of any schema (the dispatcher), for transforms that nest schemas. */
  readonly transform: (schema: JsonSchema) => Doc;
}

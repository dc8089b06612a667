/**
 * The runtime's checks by the names generated validators and compiled checks call them: the scope
 * in which jobgen evaluates the code it generates (zod/evaluate.ts, checks/evaluate.ts).
 */
import {
  codePointLength,
  hasUniqueItems,
  isDate,
  isDateTime,
  isEmail,
  isMultipleOf,
  isUri,
  isUuid,
  jsonEquals,
} from "@jobgen/runtime/contract";
import type { HelperName } from "./zod/context.js";

export const RUNTIME_CHECKS: Readonly<Record<HelperName, unknown>> = {
  codePointLength,
  hasUniqueItems,
  isDate,
  isDateTime,
  isEmail,
  isMultipleOf,
  isUri,
  isUuid,
  jsonEquals,
};

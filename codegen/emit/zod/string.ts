import type { JsonSchema, StringFormat } from "../../model/json-schema.js";
import { call, type Doc } from "../layout.js";
import { literal } from "../literal.js";
import type { HelperName, ZodContext } from "./context.js";

const FORMAT_CHECKS: Readonly<Record<StringFormat, readonly [HelperName, string]>> = {
  email: ["isEmail", "Invalid email address"],
  uuid: ["isUuid", "Invalid UUID"],
  "date-time": ["isDateTime", "Invalid date-time (RFC 3339, with a time zone)"],
  date: ["isDate", "Invalid date (YYYY-MM-DD)"],
  uri: ["isUri", "Invalid URI"],
};

/** `type: string` with minLength/maxLength (in code points, as JSON Schema counts), pattern, format. */
export function stringSchema(schema: JsonSchema, context: ZodContext): Doc[] {
  const chain: Doc[] = ["z.string()"];
  if (schema.minLength !== undefined) {
    context.helpers.add("codePointLength");
    chain.push(
      call(".refine", [
        `(value) => codePointLength(value) >= ${literal(schema.minLength)}`,
        `{ error: ${literal(`Too short: expected at least ${characters(schema.minLength)}`)} }`,
      ]),
    );
  }
  if (schema.maxLength !== undefined) {
    context.helpers.add("codePointLength");
    chain.push(
      call(".refine", [
        `(value) => codePointLength(value) <= ${literal(schema.maxLength)}`,
        `{ error: ${literal(`Too long: expected at most ${characters(schema.maxLength)}`)} }`,
      ]),
    );
  }
  if (schema.pattern !== undefined) {
    chain.push(
      call(".regex", [
        `new RegExp(${literal(schema.pattern)}, "u")`,
        `{ error: ${literal(`Does not match the pattern ${schema.pattern}`)} }`,
      ]),
    );
  }
  if (schema.format !== undefined) {
    const [helper, message] = FORMAT_CHECKS[schema.format];
    context.helpers.add(helper);
    chain.push(call(".refine", [helper, `{ error: ${literal(message)} }`]));
  }
  return chain;
}

function characters(count: number): string {
  return count === 1 ? "1 character" : `${count} characters`;
}

/**
 * The static helpers generated validators call. Their text never depends on the schema. The
 * format checks follow ajv-formats' "full" mode, so the zod validators and a JSON Schema
 * validator in another service agree on what an email, uuid, date, date-time or uri is.
 */
import type { HelperName } from "./context.js";

const EMAIL =
  "/^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i";
const URI =
  "/^(?:[a-z][a-z0-9+\\-.]*:)(?:\\/?\\/(?:(?:[a-z0-9\\-._~!$&'()*+,;=:]|%[0-9a-f]{2})*@)?(?:\\[(?:(?:(?:(?:[0-9a-f]{1,4}:){6}|::(?:[0-9a-f]{1,4}:){5}|(?:[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){4}|(?:(?:[0-9a-f]{1,4}:){0,1}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){3}|(?:(?:[0-9a-f]{1,4}:){0,2}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){2}|(?:(?:[0-9a-f]{1,4}:){0,3}[0-9a-f]{1,4})?::[0-9a-f]{1,4}:|(?:(?:[0-9a-f]{1,4}:){0,4}[0-9a-f]{1,4})?::)(?:[0-9a-f]{1,4}:[0-9a-f]{1,4}|(?:(?:25[0-5]|2[0-4]\\d|[01]?\\d\\d?)\\.){3}(?:25[0-5]|2[0-4]\\d|[01]?\\d\\d?))|(?:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})?::[0-9a-f]{1,4}|(?:(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})?::)|[Vv][0-9a-f]+\\.[a-z0-9\\-._~!$&'()*+,;=:]+)\\]|(?:(?:25[0-5]|2[0-4]\\d|[01]?\\d\\d?)\\.){3}(?:25[0-5]|2[0-4]\\d|[01]?\\d\\d?)|(?:[a-z0-9\\-._~!$&'()*+,;=]|%[0-9a-f]{2})*)(?::\\d*)?(?:\\/(?:[a-z0-9\\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*|\\/(?:(?:[a-z0-9\\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\\/(?:[a-z0-9\\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)?|(?:[a-z0-9\\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\\/(?:[a-z0-9\\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)(?:\\?(?:[a-z0-9\\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?(?:#(?:[a-z0-9\\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?$/i";

const HELPERS: Readonly<Record<HelperName, readonly string[]>> = {
  codePointLength: [
    "/** String length in Unicode code points, as JSON Schema counts it. */",
    "function codePointLength(value: string): number {",
    "  return Array.from(value).length;",
    "}",
  ],
  hasUniqueItems: [
    "/** No two items are equal JSON values (object keys in any order). */",
    "function hasUniqueItems(items: readonly unknown[]): boolean {",
    "  const canonical = (value: unknown): string =>",
    "    Array.isArray(value)",
    '      ? `[${value.map(canonical).join(",")}]`',
    '      : value !== null && typeof value === "object"',
    "        ? `{${Object.keys(value)",
    "            .sort()",
    "            .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)",
    '            .join(",")}}`',
    "        : JSON.stringify(value);",
    "  return new Set(items.map(canonical)).size === items.length;",
    "}",
  ],
  isEmail: [
    "/** An email address (the format of ajv-formats, full mode). */",
    "function isEmail(value: string): boolean {",
    `  return ${EMAIL}.test(value);`,
    "}",
  ],
  isUuid: [
    "/** A UUID, optionally prefixed by `urn:uuid:`. */",
    "function isUuid(value: string): boolean {",
    "  return /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(value);",
    "}",
  ],
  isDate: [
    "/** An RFC 3339 full-date (YYYY-MM-DD) that exists in the calendar. */",
    "function isDate(value: string): boolean {",
    "  const match = /^(\\d\\d\\d\\d)-(\\d\\d)-(\\d\\d)$/.exec(value);",
    "  if (match === null) return false;",
    "  const year = Number(match[1]);",
    "  const month = Number(match[2]);",
    "  const day = Number(match[3]);",
    "  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);",
    "  const days = [0, 31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month] ?? 0;",
    "  return month >= 1 && month <= 12 && day >= 1 && day <= days;",
    "}",
  ],
  isDateTime: [
    "/** An RFC 3339 date-time with a time zone (leap seconds allowed at 23:59:60 UTC). */",
    "function isDateTime(value: string): boolean {",
    "  const parts = value.split(/t|\\s/i);",
    '  if (parts.length !== 2 || !isDate(parts[0] ?? "")) return false;',
    '  const match = /^(\\d\\d):(\\d\\d):(\\d\\d(?:\\.\\d+)?)(z|([+-])(\\d\\d)(?::?(\\d\\d))?)?$/i.exec(parts[1] ?? "");',
    "  if (match === null || match[4] === undefined) return false;",
    "  const [hour, minute, second] = [Number(match[1]), Number(match[2]), Number(match[3])];",
    '  const sign = match[5] === "-" ? -1 : 1;',
    "  const zoneHour = Number(match[6] ?? 0);",
    "  const zoneMinute = Number(match[7] ?? 0);",
    "  if (zoneHour > 23 || zoneMinute > 59) return false;",
    "  if (hour <= 23 && minute <= 59 && second < 60) return true;",
    "  const utcMinute = minute - zoneMinute * sign;",
    "  const utcHour = hour - zoneHour * sign - (utcMinute < 0 ? 1 : 0);",
    "  return (utcHour === 23 || utcHour === -1) && (utcMinute === 59 || utcMinute === -1) && second < 61;",
    "}",
  ],
  isUri: [
    "/** An absolute URI (RFC 3986). */",
    "function isUri(value: string): boolean {",
    `  return /\\/|:/.test(value) && ${URI}.test(value);`,
    "}",
  ],
};

/** The declarations of the helpers used, in a fixed order (isDateTime needs isDate). */
export function helperDeclarations(used: ReadonlySet<HelperName>): string[] {
  const needed = new Set(used);
  if (needed.has("isDateTime")) needed.add("isDate");
  return (Object.keys(HELPERS) as HelperName[])
    .filter((name) => needed.has(name))
    .map((name) => HELPERS[name].join("\n"));
}

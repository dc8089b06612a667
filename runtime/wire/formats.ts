/**
 * The string formats jobgen asserts, each written from its RFC's ABNF (as JSON Schema draft 2020-12
 * §7.3 defines them) and checked against the official JSON Schema Test Suite. Generated validators,
 * the CLI and compiled validators all call these functions, so every path agrees on what an email,
 * uuid, date, date-time or uri is. Pure functions on a string; no allocation on the common path
 * beyond one regular-expression match.
 *
 * Written here rather than taken from a package: of the format checkers on npm run against the
 * suite, none conforms on all five formats (docs/conformance.md has the table), and ajv-formats,
 * where the earlier checks came from, accepts `urn:uuid:` UUIDs, `+01` offsets and `http:/[::1]`.
 */

// RFC 5234 B.1 core rules, as regular-expression classes.
const DIGIT = "[0-9]";
const HEXDIG = "[0-9A-Fa-f]";

// --- email: RFC 5321 §4.1.2 Mailbox (JSON Schema 2020-12 §7.3.2) -------------------------------

/** RFC 5321 §4.1.2 / RFC 5322 §3.2.3: atext = ALPHA / DIGIT / "!#$%&'*+-/=?^_`{|}~". */
const ATEXT = "[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~]";
/** RFC 5321 §4.1.2: Dot-string = Atom *("." Atom), Atom = 1*atext. */
const DOT_STRING = `${ATEXT}+(?:\\.${ATEXT}+)*`;
/**
 * RFC 5321 §4.1.2: Quoted-string = DQUOTE *QcontentSMTP DQUOTE; QcontentSMTP = qtextSMTP /
 * quoted-pairSMTP; qtextSMTP = %d32-33 / %d35-91 / %d93-126; quoted-pairSMTP = %d92 %d32-126.
 */
const QUOTED_STRING = '"(?:[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\x20-\\x7e])*"';
/** RFC 5321 §4.1.2: sub-domain = Let-dig [Ldh-str]; Domain = sub-domain *("." sub-domain). */
const SUB_DOMAIN = "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?";
const MAILBOX = new RegExp(
  `^(?:${DOT_STRING}|${QUOTED_STRING})@(?:(${SUB_DOMAIN}(?:\\.${SUB_DOMAIN})*)|\\[([^\\]]*)\\])$`,
);
/** RFC 5321 §4.1.3: IPv6-address-literal = "IPv6:" IPv6-addr (ABNF strings are case-insensitive). */
const IPV6_TAG = /^ipv6:/i;

/**
 * An email address: RFC 5321 §4.1.2 `Mailbox` = Local-part "@" ( Domain / address-literal ).
 * The local part is a dot-string or a quoted string (`"joe bloggs"@example.com`); the domain is
 * a host name or an address literal, `[192.0.2.1]` or `[IPv6:2001:db8::1]` (§4.1.3). A general
 * address literal (`[tag:content]`) needs a tag registered with IANA, and the registry holds only
 * `IPv6`, so none is accepted. Length limits (§4.5.3.1) are not part of the ABNF and not checked.
 */
export function isEmail(value: string): boolean {
  const match = MAILBOX.exec(value);
  if (match === null) return false;
  const literal = match[2];
  if (literal === undefined) return true;
  return IPV6_TAG.test(literal) ? isIPv6(literal.slice(5), isSnumIPv4, 6) : isSnumIPv4(literal);
}

/** RFC 5321 §4.1.3: IPv4-address-literal = Snum 3("." Snum), Snum = 1*3DIGIT, 0 through 255. */
function isSnumIPv4(text: string): boolean {
  const parts = text.split(".");
  return parts.length === 4 && parts.every((part) => /^[0-9]{1,3}$/.test(part) && Number(part) <= 255);
}

// --- IPv6 text form: RFC 3986 §3.2.2 IPv6address and RFC 5321 §4.1.3 IPv6-addr ------------------

const H16 = new RegExp(`^${HEXDIG}{1,4}$`);

/**
 * Eight 16-bit groups (`h16`), the last two of which may be an IPv4 address, with at most one
 * `::` standing for groups of zeros. `maxWithElision` is how many groups may be written next to a
 * `::`: 7 for RFC 3986 (`::` stands for at least one group), 6 for RFC 5321 (at least two).
 */
function isIPv6(text: string, isIPv4: (text: string) => boolean, maxWithElision: number): boolean {
  const halves = text.split("::");
  if (halves.length > 2) return false;
  const groups = (half: string | undefined, last: boolean): number => {
    if (half === undefined || half === "") return 0;
    const parts = half.split(":");
    let count = 0;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] ?? "";
      if (last && i === parts.length - 1 && part.includes(".")) {
        if (!isIPv4(part)) return Number.NaN;
        count += 2;
      } else if (H16.test(part)) {
        count += 1;
      } else {
        return Number.NaN;
      }
    }
    return count;
  };
  if (halves.length === 1) return groups(halves[0], true) === 8;
  const total = groups(halves[0], false) + groups(halves[1], true);
  return total <= maxWithElision;
}

// --- uuid: RFC 4122 §3 (JSON Schema 2020-12 §7.3.5) ------------------------------------------------

/**
 * RFC 4122 §3: UUID = time-low "-" time-mid "-" time-high-and-version "-" clock-seq-and-reserved
 * clock-seq-low "-" node, hexOctets of 8-4-4-4-12 digits, "case insensitive on input".
 */
const UUID = new RegExp(`^${HEXDIG}{8}-${HEXDIG}{4}-${HEXDIG}{4}-${HEXDIG}{4}-${HEXDIG}{12}$`);

/**
 * A UUID in its string representation (RFC 4122 §3), in any case, of any version and variant
 * (the format is the syntax; version 6 to 8 and future variants are valid UUIDs). The URN form
 * `urn:uuid:…` is a URI naming a UUID, not a UUID, and is refused.
 */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

// --- date, date-time: RFC 3339 §5.6 (JSON Schema 2020-12 §7.3.1) -----------------------------------

/** RFC 3339 §5.6: full-date = date-fullyear "-" date-month "-" date-mday (4, 2 and 2 DIGIT). */
const FULL_DATE = `(${DIGIT}{4})-(${DIGIT}{2})-(${DIGIT}{2})`;
const DATE = new RegExp(`^${FULL_DATE}$`);
/**
 * RFC 3339 §5.6: date-time = full-date "T" full-time; full-time = partial-time time-offset;
 * partial-time = time-hour ":" time-minute ":" time-second [time-secfrac]; time-secfrac =
 * "." 1*DIGIT; time-offset = "Z" / time-numoffset; time-numoffset = ("+" / "-") time-hour ":"
 * time-minute. "T" and "Z" may be lower case (§5.6, note).
 */
const DATE_TIME = new RegExp(
  `^${FULL_DATE}[Tt](${DIGIT}{2}):(${DIGIT}{2}):(${DIGIT}{2})(?:\\.${DIGIT}+)?(?:[Zz]|([+-])(${DIGIT}{2}):(${DIGIT}{2}))$`,
);

/** RFC 3339 §5.7 and Appendix C: days in a month of a (Gregorian) year. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** An RFC 3339 full-date (§5.6) that exists in the calendar (§5.7): `2024-02-29`. */
export function isDate(value: string): boolean {
  const match = DATE.exec(value);
  return match !== null && isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** Minutes in a day; the minute 23:59 is where a leap second may be. */
const MINUTES_PER_DAY = 24 * 60;
const LEAP_SECOND_MINUTE = 23 * 60 + 59;

/**
 * An RFC 3339 date-time (§5.6) with its restrictions (§5.7): a real calendar date, hour 00-23,
 * minute 00-59, second 00-59, or 60 when the time is 23:59 in UTC (a leap second, at whatever
 * offset it is written); offset hours 00-23 and minutes 00-59, minutes required. A second
 * fraction may have any number of digits and is never read as a number, so
 * `59.999999999999999` stays below 60.
 */
export function isDateTime(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (match === null) return false;
  if (!isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]))) return false;
  const hour = Number(match[4]);
  const minute = Number(match[5]);
  const second = Number(match[6]);
  const offsetHour = Number(match[8] ?? 0);
  const offsetMinute = Number(match[9] ?? 0);
  if (hour > 23 || minute > 59 || second > 60 || offsetHour > 23 || offsetMinute > 59) return false;
  if (second < 60) return true;
  const offset = (match[7] === "-" ? -1 : 1) * (offsetHour * 60 + offsetMinute);
  const utcMinute = (((hour * 60 + minute - offset) % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  return utcMinute === LEAP_SECOND_MINUTE;
}

// --- uri: RFC 3986 §3 (JSON Schema 2020-12 §7.3.5) --------------------------------------------------

/** RFC 3986 §2.3 unreserved, §2.2 sub-delims, §2.1 pct-encoded. */
const UNRESERVED = "A-Za-z0-9\\-._~";
const SUB_DELIMS = "!$&'()*+,;=";
const PCT_ENCODED = `%${HEXDIG}{2}`;
/** RFC 3986 §3.3: pchar = unreserved / pct-encoded / sub-delims / ":" / "@". */
const PCHAR = `(?:[${UNRESERVED}${SUB_DELIMS}:@]|${PCT_ENCODED})`;
/** RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). */
const SCHEME = /^[A-Za-z][A-Za-z0-9+\-.]*:/;
/** RFC 3986 §3.4, §3.5: query = fragment = *( pchar / "/" / "?" ). */
const QUERY_OR_FRAGMENT = new RegExp(`^(?:${PCHAR}|[/?])*$`);
/** RFC 3986 §3.3: path-abempty = *( "/" segment ), segment = *pchar. */
const PATH_ABEMPTY = new RegExp(`^(?:/${PCHAR}*)*$`);
/**
 * RFC 3986 §3.3: path-absolute = "/" [ segment-nz *( "/" segment ) ], path-rootless =
 * segment-nz *( "/" segment ), path-empty = 0<pchar>; segment-nz = 1*pchar.
 */
const PATH_WITHOUT_AUTHORITY = new RegExp(`^(?:/?(?:${PCHAR}+(?:/${PCHAR}*)*)?)$`);
/** RFC 3986 §3.2.1: userinfo = *( unreserved / pct-encoded / sub-delims / ":" ). */
const USERINFO = new RegExp(`^(?:[${UNRESERVED}${SUB_DELIMS}:]|${PCT_ENCODED})*$`);
/** RFC 3986 §3.2.2: reg-name = *( unreserved / pct-encoded / sub-delims ); IPv4address is one. */
const REG_NAME = new RegExp(`^(?:[${UNRESERVED}${SUB_DELIMS}]|${PCT_ENCODED})*$`);
/** RFC 3986 §3.2.3: port = *DIGIT. */
const PORT = /^[0-9]*$/;
/** RFC 3986 §3.2.2: IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" ). */
const IPV_FUTURE = new RegExp(`^[vV]${HEXDIG}+\\.[${UNRESERVED}${SUB_DELIMS}:]+$`);
/** RFC 3986 §3.2.2: dec-octet = DIGIT / %x31-39 DIGIT / "1" 2DIGIT / "2" %x30-34 DIGIT / "25" %x30-35. */
const DEC_OCTET = "(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])";
const IPV4_ADDRESS = new RegExp(`^${DEC_OCTET}(?:\\.${DEC_OCTET}){3}$`);

function isDecOctetIPv4(text: string): boolean {
  return IPV4_ADDRESS.test(text);
}

/**
 * An absolute URI, RFC 3986 §3: `URI = scheme ":" hier-part [ "?" query ] [ "#" fragment ]`,
 * where hier-part is `"//" authority path-abempty`, path-absolute, path-rootless or empty (so
 * `http:` is a URI, and `http:/[::1]` is not: a path segment holds no brackets). The authority is
 * `[ userinfo "@" ] host [ ":" port ]` with a numeric port; the host is an IP literal (`[IPv6]` or
 * `[vF.…]`) or a reg-name, and `087.10.0.1` is a valid reg-name (not an IPv4address). A relative
 * reference (`//host/x`, `/x`, `x`) is not a URI. Only ASCII: an IRI is another format.
 */
export function isUri(value: string): boolean {
  const scheme = SCHEME.exec(value);
  if (scheme === null) return false;
  let rest = value.slice(scheme[0].length);
  const hash = rest.indexOf("#");
  if (hash !== -1) {
    if (!QUERY_OR_FRAGMENT.test(rest.slice(hash + 1))) return false;
    rest = rest.slice(0, hash);
  }
  const question = rest.indexOf("?");
  if (question !== -1) {
    if (!QUERY_OR_FRAGMENT.test(rest.slice(question + 1))) return false;
    rest = rest.slice(0, question);
  }
  if (!rest.startsWith("//")) return PATH_WITHOUT_AUTHORITY.test(rest);
  const slash = rest.indexOf("/", 2);
  const authority = slash === -1 ? rest.slice(2) : rest.slice(2, slash);
  return isAuthority(authority) && PATH_ABEMPTY.test(slash === -1 ? "" : rest.slice(slash));
}

/** RFC 3986 §3.2: authority = [ userinfo "@" ] host [ ":" port ]. */
function isAuthority(authority: string): boolean {
  const at = authority.indexOf("@");
  if (at !== -1 && !USERINFO.test(authority.slice(0, at))) return false;
  const hostAndPort = authority.slice(at + 1);
  if (hostAndPort.startsWith("[")) {
    const close = hostAndPort.indexOf("]");
    if (close === -1) return false;
    const literal = hostAndPort.slice(1, close);
    const after = hostAndPort.slice(close + 1);
    const validLiteral = IPV_FUTURE.test(literal) || isIPv6(literal, isDecOctetIPv4, 7);
    return validLiteral && (after === "" || (after.startsWith(":") && PORT.test(after.slice(1))));
  }
  const colon = hostAndPort.indexOf(":");
  const host = colon === -1 ? hostAndPort : hostAndPort.slice(0, colon);
  return REG_NAME.test(host) && (colon === -1 || PORT.test(hostAndPort.slice(colon + 1)));
}

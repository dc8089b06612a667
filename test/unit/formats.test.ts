// The format checks, case by case, each citing the rule of its RFC that decides it. The official
// JSON Schema Test Suite runs over the same functions in `npm run test:conformance`; these cases
// add the rules the suite does not reach.
import { describe, expect, it } from "vitest";
import { isDate, isDateTime, isEmail, isUri, isUuid } from "../../runtime/wire/formats.js";

type Case = readonly [value: string, valid: boolean, rule: string];

function table(check: (value: string) => boolean, cases: readonly Case[]): void {
  it.each(cases)("%j → %s (%s)", (value, valid) => {
    expect(check(value)).toBe(valid);
  });
}

describe("email: RFC 5321 §4.1.2 Mailbox", () => {
  table(isEmail, [
    ["joe.bloggs@example.com", true, "Dot-string @ Domain"],
    ["a!#$%&'*+-/=?^_`{|}~@example.com", true, "atext includes these specials (RFC 5322 §3.2.3)"],
    ["joe@localhost", true, 'Domain = sub-domain *("." sub-domain): one label is a Domain'],
    ["joe@a-b.example", true, "Ldh-str: hyphens inside a label"],
    ["joe@-ab.example", false, "sub-domain = Let-dig [Ldh-str]: a label starts with a letter or digit"],
    ["joe@ab-.example", false, 'Ldh-str = *( ALPHA / DIGIT / "-" ) Let-dig: and ends with one'],
    ["joe@example..com", false, "no empty sub-domain"],
    ["joe@example.com.", false, "no trailing dot in Domain"],
    [".joe@example.com", false, 'Dot-string = Atom *("." Atom): no leading dot'],
    ["jo..e@example.com", false, "Dot-string: no empty Atom"],
    ['"joe bloggs"@example.com', true, "Quoted-string: qtextSMTP includes SP (%d32)"],
    ['""@example.com', true, "Quoted-string = DQUOTE *QcontentSMTP DQUOTE: may be empty"],
    ['"a\\"b"@example.com', true, "quoted-pairSMTP = %d92 %d32-126"],
    ['"a"b"@example.com', false, "qtextSMTP excludes DQUOTE (%d34)"],
    ['"a\\é"@example.com', false, "quoted-pairSMTP quotes only %d32-126"],
    ["joe@[192.0.2.1]", true, "§4.1.3 IPv4-address-literal"],
    ["joe@[192.0.2.01]", true, "§4.1.3 Snum = 1*3DIGIT: a leading zero is allowed"],
    ["joe@[192.0.2.256]", false, "§4.1.3 Snum: 0 through 255"],
    ["joe@[192.0.2]", false, '§4.1.3 Snum 3("." Snum): four parts'],
    ["joe@[IPv6:2001:db8::1]", true, "§4.1.3 IPv6-address-literal, IPv6-comp"],
    ["joe@[ipv6:2001:db8::1]", true, "RFC 5234 §2.3: ABNF strings are case-insensitive"],
    ["joe@[IPv6:1:2:3:4:5:6:7:8]", true, "§4.1.3 IPv6-full"],
    ["joe@[IPv6:1:2:3:4:5:6:7::]", false, '§4.1.3 IPv6-comp: "::" stands for at least 2 groups'],
    ["joe@[IPv6:1:2:3:4:5:6::]", true, '§4.1.3 IPv6-comp: at most 6 groups besides "::"'],
    ["joe@[IPv6:::ffff:192.0.2.1]", true, "§4.1.3 IPv6v4-comp"],
    ["joe@[IPv6:1:2:3:4:5:6:192.0.2.1]", true, "§4.1.3 IPv6v4-full"],
    ["joe@[2001:db8::1]", false, '§4.1.3 an IPv6 literal needs the "IPv6:" tag'],
    [
      "joe@[x-tag:content]",
      false,
      "§4.1.3 General-address-literal: the tag must be registered (only IPv6 is)",
    ],
    ["joé@example.com", false, "ASCII only: internationalised addresses are the idn-email format"],
    ["joe@example.com\n", false, "nothing after the Domain"],
    ["joe", false, 'Mailbox = Local-part "@" ( Domain / address-literal )'],
  ]);
});

describe("uuid: RFC 4122 §3", () => {
  table(isUuid, [
    ["f81d4fae-7dec-11d0-a765-00a0c91e6bf6", true, "§3: the example of the RFC"],
    ["F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6", true, "§3: hex digits are case insensitive on input"],
    ["f81d4fae-7dec-f1d0-e765-00a0c91e6bf6", true, "the syntax has no rule on version or variant"],
    ["urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6", false, "§3: the URN form names a UUID, it is not one"],
    ["{f81d4fae-7dec-11d0-a765-00a0c91e6bf6}", false, "§3: no braces"],
    ["f81d4fae7dec11d0a76500a0c91e6bf6", false, "§3: the hyphens are part of the string form"],
    ["f81d4fae-7dec-11d0-a765-00a0c91e6bfg", false, "§3: hexDigit only"],
  ]);
});

describe("date: RFC 3339 §5.6 full-date with §5.7 restrictions", () => {
  table(isDate, [
    ["2024-02-29", true, "§5.7 / Appendix C: 2024 is a leap year"],
    ["2000-02-29", true, "Appendix C: divisible by 400 is a leap year"],
    ["1900-02-29", false, "Appendix C: divisible by 100 and not 400 is not"],
    ["2023-04-31", false, "§5.7: April has 30 days"],
    ["2023-00-10", false, "§5.6: date-month = 01-12"],
    ["0000-01-01", true, "§5.6: date-fullyear = 4DIGIT"],
    ["12024-01-01", false, "§5.6: date-fullyear = 4DIGIT, no more"],
    ["2024-1-01", false, "§5.6: date-month = 2DIGIT"],
  ]);
});

describe("date-time: RFC 3339 §5.6 date-time with §5.7 restrictions", () => {
  table(isDateTime, [
    ["2024-05-06T07:08:09Z", true, '§5.6: full-date "T" full-time'],
    ["2024-05-06t07:08:09z", true, '§5.6 note: "T" and "Z" may be lower case'],
    [
      "2024-05-06 07:08:09Z",
      false,
      '§5.6: the separator is "T" (a space is an application\'s choice, not the ABNF)',
    ],
    ["2024-05-06T07:08:09", false, "§5.6: full-time = partial-time time-offset, the offset is required"],
    ["2024-05-06T07:08:09+0100", false, '§5.6: time-numoffset = ("+" / "-") time-hour ":" time-minute'],
    ["2024-05-06T07:08:09+01", false, "§5.6: time-numoffset has minutes"],
    ["2024-05-06T07:08:09-00:00", true, "§4.3: -00:00 is the unknown local offset"],
    ["2024-05-06T07:08:09.1234567890123456789Z", true, '§5.6: time-secfrac = "." 1*DIGIT, any length'],
    ["2024-05-06T07:08:59.999999999999999999Z", true, "the fraction is never rounded into the next second"],
    ["2024-05-06T07:08:09.Z", false, "§5.6: time-secfrac has at least one digit"],
    ["2016-12-31T23:59:60Z", true, "§5.7: time-second 60 is a leap second, at 23:59 UTC"],
    ["2017-01-01T00:59:60+01:00", true, "§5.7: 00:59:60+01:00 is 23:59:60 UTC"],
    ["2016-12-31T18:29:60-05:30", true, "§5.7: offsets with minutes move the leap second too"],
    ["2016-12-31T23:59:60+01:00", false, "§5.7: 23:59:60+01:00 is 22:59:60 UTC, not a leap second"],
    ["2016-12-31T24:00:00Z", false, "§5.6: time-hour = 00-23"],
    ["2016-12-31T23:60:00Z", false, "§5.6: time-minute = 00-59"],
    ["2016-12-31T23:59:61Z", false, "§5.6: time-second = 00-60"],
    ["2016-12-31T23:00:00+24:00", false, "§5.6: the offset's time-hour = 00-23"],
    ["2016-02-30T23:00:00Z", false, "§5.7: the date must exist"],
  ]);
});

describe("uri: RFC 3986 §3 URI", () => {
  table(isUri, [
    ["http:", true, "§3: hier-part may be path-empty"],
    ["urn:isbn:0451450523", true, "§3: path-rootless"],
    ["file:///etc/hosts", true, "§3.2: an empty authority (reg-name may be empty)"],
    ["http://[2001:db8::7]:8080/", true, "§3.2.2: IP-literal, §3.2.3 port"],
    ["http://[v7.fe80::1]/", true, "§3.2.2: IPvFuture"],
    ["http://[v7.fe80::1%25eth0]/", false, "§3.2.2: IPvFuture holds no pct-encoded"],
    ["http://[2001:db8::7/", false, '§3.2.2: IP-literal = "[" ... "]"'],
    ["http://[1:2:3:4:5:6:7:8:9]/", false, "§3.2.2: eight h16 at most"],
    ["http://[1:2:3:4:5:6:7::]/", true, '§3.2.2: "::" may stand for one group'],
    ["http://[::ffff:1.2.3.4]/", true, "§3.2.2: ls32 may be an IPv4address"],
    ["http://[::ffff:1.2.3.04]/", false, "§3.2.2: dec-octet has no leading zero"],
    ["http://example.com:/", true, "§3.2.3: port = *DIGIT may be empty"],
    ["http://example.com:8o/", false, "§3.2.3: port = *DIGIT"],
    ["http://a@b@example.com/", false, '§3.2.1: userinfo holds no "@"'],
    ["http://user:pass@example.com/", true, '§3.2.1: userinfo may hold ":"'],
    ["http://ex ample.com/", false, "§3.2.2: reg-name has no space"],
    ["http:/[::1]", false, "§3.3: path-absolute segments are pchar, no brackets"],
    ["http:/a//b", true, "§3.3: path-absolute, then empty segments"],
    ["mailto:a@b?subject=%E2%9C%93", true, "§3.4: query, §2.1 pct-encoded"],
    ["http://example.com/%E2%9C", true, "§2.1: each pct-encoded triplet stands alone"],
    ["http://example.com/%E", false, '§2.1: pct-encoded = "%" HEXDIG HEXDIG'],
    ["http://example.com/#a#b", false, '§3.5: a fragment holds no "#"'],
    ["http://example.com/?a=[1]", false, "§3.4: brackets are gen-delims, not query characters"],
    ["http://example.com/ü", false, "§2: ASCII only (an IRI is another format)"],
    ["//example.com/", false, "§4.2: a relative reference is not a URI"],
    ["1http://x", false, '§3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )'],
    ["a+b-c.d:x", true, "§3.1: scheme characters"],
  ]);
});

/**
 * Integers a JavaScript number cannot hold exactly. JSON.parse reads every number as a double,
 * so an integer written with more precision than a double has (9007199254740993) would reach a
 * handler changed (9007199254740992) without a word. jobgen refuses such a payload instead, at
 * the worker, the producer and `jobgen enqueue` alike, with a `validation` issue at the number's
 * path: the interoperable range of RFC 7493 (I-JSON) §2.2, integers within ±(2^53 − 1). An
 * integer beyond it goes as a string. A number written with a fraction or an exponent (1.5,
 * 1e308) is a floating-point number to every JSON reader and is read as such.
 */
import type { ValidationIssue } from "../errors.js";

/** Every integer literal outside ±(2^53 − 1) has at least this many digits in a row. */
const UNSAFE_DIGITS = 16;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:(\.[0-9]+)|)(?:([eE][+-]?[0-9]+)|)/y;

/**
 * Every integer literal of valid JSON text that lies outside ±(2^53 − 1), with its path. Text
 * without 16 digits in a row (nearly every payload) is answered after reading 1 character in 16.
 */
export function unsafeIntegerIssues(json: string): ValidationIssue[] {
  if (!hasDigitRun(json)) return [];
  const issues: ValidationIssue[] = [];
  // The path of the value being read: a name in an object, an index in an array.
  const path: (string | number)[] = [];
  const inObject: boolean[] = [];
  let expectingName = false;
  for (let i = 0; i < json.length;) {
    const char = json.charCodeAt(i);
    if (char === 0x22 /* " */) {
      const end = stringEnd(json, i);
      if (expectingName) {
        path[path.length - 1] = JSON.parse(json.slice(i, end)) as string;
        expectingName = false;
      }
      i = end;
    } else if (char === 0x7b /* { */ || char === 0x5b /* [ */) {
      const object = char === 0x7b;
      inObject.push(object);
      path.push(object ? "" : 0);
      expectingName = object;
      i++;
    } else if (char === 0x7d /* } */ || char === 0x5d /* ] */) {
      inObject.pop();
      path.pop();
      i++;
    } else if (char === 0x2c /* , */) {
      if (inObject[inObject.length - 1] === true) expectingName = true;
      else path[path.length - 1] = (path[path.length - 1] as number) + 1;
      i++;
    } else if (char === 0x2d /* - */ || (char >= 0x30 && char <= 0x39)) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(json);
      const text = match?.[0] ?? json[i] ?? "";
      const integer = match !== null && match[1] === undefined && match[2] === undefined;
      if (integer && text.length >= UNSAFE_DIGITS && !Number.isSafeInteger(Number(text))) {
        issues.push({ path: [...path], message: unsafeIntegerMessage(text) });
      }
      i += text.length;
    } else {
      i++;
    }
  }
  return issues;
}

/**
 * Whether the text holds {@link UNSAFE_DIGITS} digits in a row. Such a run covers one index of
 * every residue modulo 16, so only every 16th character is looked at, and a digit there is
 * widened to its run: a payload of n characters costs about n / 16 reads.
 */
function hasDigitRun(text: string): boolean {
  for (let i = UNSAFE_DIGITS - 1; i < text.length; i += UNSAFE_DIGITS) {
    if (!isDigit(text.charCodeAt(i))) continue;
    let start = i;
    while (start > 0 && isDigit(text.charCodeAt(start - 1))) start--;
    let end = i + 1;
    while (end < text.length && isDigit(text.charCodeAt(end))) end++;
    if (end - start >= UNSAFE_DIGITS) return true;
  }
  return false;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function unsafeIntegerMessage(text: string): string {
  return (
    `integer ${text} is outside ±(2^53 − 1) and would not arrive exactly as a JSON number ` +
    "(RFC 7493 §2.2); send it as a string"
  );
}

/** The index after the string that starts at `start` (an opening quote). */
function stringEnd(json: string, start: number): number {
  for (let i = start + 1; i < json.length; i++) {
    const char = json.charCodeAt(i);
    if (char === 0x5c /* \ */) i++;
    else if (char === 0x22) return i + 1;
  }
  return json.length;
}

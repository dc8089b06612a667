/**
 * JSON read without losing anything the text holds: numbers keep their text (the suite's bignums
 * must reach the validator as written, not as JSON.parse rounds them), and object members keep
 * their order and every name, `__proto__` included. Written back, the text means the same.
 */

/** A JSON number as written in the text. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

/** A JSON object as its members, in order. */
export class JsonObject {
  constructor(readonly members: readonly (readonly [name: string, value: LosslessJson])[]) {}

  get(name: string): LosslessJson | undefined {
    return this.members.find(([key]) => key === name)?.[1];
  }

  has(name: string): boolean {
    return this.members.some(([key]) => key === name);
  }
}

export type LosslessJson = null | boolean | string | JsonNumber | JsonObject | readonly LosslessJson[];

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// RFC 8259 §7: unescaped characters are U+0020 and up, except the quotation mark and reverse solidus.
const STRING = /"(?:[ -!#-[\]-\u{10FFFF}]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/uy;
const LITERAL = /true|false|null/y;
const SPACE = /[ \t\n\r]*/y;

/** Parses JSON text; throws a SyntaxError naming the offset of the first problem. */
export function parseLossless(text: string): LosslessJson {
  let at = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at offset ${at}`);
  };
  const skipSpace = (): void => {
    SPACE.lastIndex = at;
    SPACE.exec(text);
    at = SPACE.lastIndex;
  };
  const token = (pattern: RegExp): string | undefined => {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (match === null) return undefined;
    at = pattern.lastIndex;
    return match[0];
  };
  const expect = (char: string): void => {
    skipSpace();
    if (text[at] !== char) fail(`expected "${char}"`);
    at++;
  };
  const value = (): LosslessJson => {
    skipSpace();
    const char = text[at];
    if (char === "{") {
      at++;
      const members: [string, LosslessJson][] = [];
      skipSpace();
      if (text[at] === "}") {
        at++;
        return new JsonObject(members);
      }
      for (;;) {
        skipSpace();
        const name = token(STRING) ?? fail("expected a member name");
        expect(":");
        members.push([JSON.parse(name) as string, value()]);
        skipSpace();
        if (text[at] === "}") {
          at++;
          return new JsonObject(members);
        }
        expect(",");
      }
    }
    if (char === "[") {
      at++;
      const items: LosslessJson[] = [];
      skipSpace();
      if (text[at] === "]") {
        at++;
        return items;
      }
      for (;;) {
        items.push(value());
        skipSpace();
        if (text[at] === "]") {
          at++;
          return items;
        }
        expect(",");
      }
    }
    if (char === '"') return JSON.parse(token(STRING) ?? fail("bad string")) as string;
    const literal = token(LITERAL);
    if (literal !== undefined) return literal === "null" ? null : literal === "true";
    return new JsonNumber(token(NUMBER) ?? fail("unexpected character"));
  };
  const result = value();
  skipSpace();
  if (at !== text.length) fail("unexpected text after the value");
  return result;
}

/** JSON text of a value, numbers exactly as they were written. */
export function stringifyLossless(value: LosslessJson): string {
  if (value instanceof JsonNumber) return value.text;
  if (value instanceof JsonObject) {
    return `{${value.members.map(([name, member]) => `${JSON.stringify(name)}:${stringifyLossless(member)}`).join(",")}}`;
  }
  if (Array.isArray(value)) return `[${value.map(stringifyLossless).join(",")}]`;
  return JSON.stringify(value);
}

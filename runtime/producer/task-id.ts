/**
 * Task ids: random (version 4) UUIDs, like `crypto.randomUUID()`, from the same CSPRNG. Node's
 * randomUUID builds each id from ~20 small strings (~590 B of garbage per id, a bulk enqueue's
 * largest); here the text of 256 ids is written into one buffer at a time and each id is read
 * from it as one flat string.
 */
import { randomFillSync } from "node:crypto";

const IDS_PER_FILL = 256;
const random = Buffer.alloc(16 * IDS_PER_FILL);
const text = Buffer.alloc(36 * IDS_PER_FILL);
const HEX_DIGITS = Buffer.from("0123456789abcdef", "latin1");
const DASH = 0x2d;
let next = IDS_PER_FILL;

/** A new random task id, e.g. `"9b2f0c1e-6d4a-4f3b-8c2d-1e0f9a8b7c6d"`. */
export function newTaskId(): string {
  if (next === IDS_PER_FILL) fill();
  const start = 36 * next++;
  return text.toString("latin1", start, start + 36);
}

function fill(): void {
  randomFillSync(random);
  for (let id = 0; id < IDS_PER_FILL; id++) {
    const bytes = 16 * id;
    random[bytes + 6] = ((random[bytes + 6] ?? 0) & 0x0f) | 0x40; // version 4
    random[bytes + 8] = ((random[bytes + 8] ?? 0) & 0x3f) | 0x80; // variant 10 (RFC 9562)
    let at = 36 * id;
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) text[at++] = DASH;
      const byte = random[bytes + i] ?? 0;
      text[at++] = HEX_DIGITS[byte >> 4] ?? 0;
      text[at++] = HEX_DIGITS[byte & 0x0f] ?? 0;
    }
  }
  next = 0;
}

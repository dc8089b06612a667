/**
 * Redis Cluster's key-to-slot rule, computed locally: CRC16 (XMODEM) of the key's hashed part,
 * modulo 16384. The hashed part is what lies between the first `{` and the first `}` after it when
 * that is not empty, else the whole key (https://redis.io/docs/reference/cluster-spec/#hash-tags).
 */

/** Number of hash slots of a Redis Cluster. */
export const SLOT_COUNT = 16384;

/** CRC16 table of the XMODEM polynomial 0x1021, as Redis Cluster uses it. */
const CRC16_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
})();

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ (CRC16_TABLE[((crc >> 8) ^ byte) & 0xff] ?? 0);
  return crc;
}

/** The part of `key` Redis Cluster hashes: the first non-empty `{...}`'s content, else the whole key. */
export function hashedPart(key: string): string {
  const open = key.indexOf("{");
  if (open < 0) return key;
  const close = key.indexOf("}", open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

/** The slot that all of `text` (its UTF-8 bytes, braces and all) hashes to, hash tags ignored. */
export function textSlot(text: string): number {
  return crc16(Buffer.from(text, "utf8")) % SLOT_COUNT;
}

/** The hash slot of `key` (its UTF-8 bytes), as CLUSTER KEYSLOT answers. */
export function keySlot(key: string): number {
  return crc16(Buffer.from(hashedPart(key), "utf8")) % SLOT_COUNT;
}

/** Tags found so far by {@link tagForSlot}, by slot, and the next number its scan tries. */
const tagsBySlot = new Map<number, string>();
let nextCandidate = 0;

/**
 * The first lowercase base-36 number (in counting order) that hashes to `slot`: a hash tag for
 * keys that must share a slot with a key whose own name cannot serve as their tag. Every slot has
 * one of at most 4 characters. One scan, resumed where it stopped, records every slot it passes,
 * so all 16384 slots together cost one pass of a few hundred thousand CRCs.
 */
export function tagForSlot(slot: number): string {
  if (!Number.isInteger(slot) || slot < 0 || slot >= SLOT_COUNT) {
    throw new RangeError(`${slot} is not a Redis Cluster slot (0 to ${SLOT_COUNT - 1})`);
  }
  for (;;) {
    const known = tagsBySlot.get(slot);
    if (known !== undefined) return known;
    const tag = (nextCandidate++).toString(36);
    const found = keySlot(tag);
    if (!tagsBySlot.has(found)) tagsBySlot.set(found, tag);
  }
}

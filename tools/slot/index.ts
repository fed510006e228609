/**
 * Redis Cluster hash slots: CRC16/XMODEM of the key (or of its hashtag) modulo 16384.
 *
 * The hashtag rule is Redis's `keyHashSlot()` (src/cluster.c) exactly: find the FIRST `{`;
 * find the FIRST `}` after it; if there is at least one byte between them, hash only those
 * bytes, otherwise hash the whole key. So `foo{}{bar}` hashes the whole key (the first `{}` is
 * empty and there is no second chance), `{a}{b}` hashes `a`, `a{b` and `a}b{` hash the whole key.
 * (The npm package `cluster-key-slot` keeps looking after an empty `{}` and gets
 * `foo{}{bar}` wrong; we test against real Redis, not against it.)
 *
 *   keySlot('user:{42}:profile') === keySlot('42') === 8000
 *
 * Keys are bytes. A JS string is taken as latin1 (one char = one byte, the low 8 bits of each
 * UTF-16 unit), which is how the built-in server keeps keys; to hash the UTF-8 bytes of text,
 * pass `Buffer.from(text)`.
 */

export const CLUSTER_SLOTS = 16384;

/** CRC16-CCITT/XMODEM lookup table (poly 0x1021, init 0, no reflection), as in Redis crc16.c. */
const CRC16_TAB: Uint16Array = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let b = 0; b < 8; b++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    t[i] = crc;
  }
  return t;
})();

const OPEN = 0x7b; // '{'
const CLOSE = 0x7d; // '}'

/** CRC16/XMODEM of bytes[start, end). */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const tab = CRC16_TAB;
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ tab[((crc >>> 8) ^ bytes[i]!) & 0xff]!;
  return crc;
}

/** CRC16/XMODEM of the latin1 bytes of s[start, end). */
export function crc16Latin1(s: string, start = 0, end = s.length): number {
  const tab = CRC16_TAB;
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ tab[((crc >>> 8) ^ s.charCodeAt(i)) & 0xff]!;
  return crc;
}

/**
 * One pass in the common case (no `{`): the CRC of the whole key is computed while looking for
 * the brace; only a key with a `{` is looked at again.
 */
function slotOfBytes(key: Uint8Array): number {
  const tab = CRC16_TAB;
  const n = key.length;
  let crc = 0;
  for (let i = 0; i < n; i++) {
    const c = key[i]!;
    if (c === OPEN) {
      for (let e = i + 1; e < n; e++) {
        if (key[e] === CLOSE) {
          if (e > i + 1) return crc16(key, i + 1, e) & 0x3fff;
          break;
        }
      }
      for (; i < n; i++) crc = ((crc << 8) & 0xffff) ^ tab[((crc >>> 8) ^ key[i]!) & 0xff]!;
      return crc & 0x3fff;
    }
    crc = ((crc << 8) & 0xffff) ^ tab[((crc >>> 8) ^ c) & 0xff]!;
  }
  return crc & 0x3fff;
}

function slotOfLatin1(key: string): number {
  // indexOf is a fast native scan; chars above 0xff are reduced to their low byte by the CRC,
  // so only an exact '{' / '}' code unit counts as a brace (a latin1 string has no others).
  const s = key.indexOf('{');
  if (s >= 0) {
    const e = key.indexOf('}', s + 1);
    if (e > s + 1) return crc16Latin1(key, s + 1, e) & 0x3fff;
  }
  return crc16Latin1(key, 0, key.length) & 0x3fff;
}

/** The cluster hash slot (0..16383) of a key, with Redis's hashtag rule. */
export function keySlot(key: Uint8Array | string): number {
  return typeof key === 'string' ? slotOfLatin1(key) : slotOfBytes(key);
}

/** The bytes that are actually hashed (the hashtag when there is one), for explanations. */
export function hashedPart(key: Uint8Array): Uint8Array {
  const s = key.indexOf(OPEN);
  if (s >= 0) {
    const e = key.indexOf(CLOSE, s + 1);
    if (e > s + 1) return key.subarray(s + 1, e);
  }
  return key;
}

export interface SameSlotResult {
  /** True when every key maps to one slot (vacuously true for zero keys). */
  same: boolean;
  /** Distinct slots in first-seen order. */
  slots: number[];
}

/** Whether keys may be used together in one multi-key command on a cluster. */
export function checkSameSlot(keys: Iterable<Uint8Array | string>): SameSlotResult {
  const seen = new Set<number>();
  for (const k of keys) seen.add(keySlot(k));
  const slots = [...seen];
  return { same: slots.length <= 1, slots };
}

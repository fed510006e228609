/**
 * String values are stored as plain latin1 JS strings (one char per byte); see db.ts. The
 * encoding Redis would report is derived, not stored: 'int' for a canonical int64 of <= 20
 * chars, 'embstr' up to 44 bytes (OBJ_ENCODING_EMBSTR_SIZE_LIMIT), else 'raw'; strings modified
 * in place (APPEND, SETRANGE, SETBIT …: the keyspace's raw bit) are 'raw' as in Redis.
 */
import type { RedisValue } from '../db.js';
import { isIntEncodable } from '../util/parse.js';

export const EMBSTR_SIZE_LIMIT = 44;

export function stringEncoding(v: string, raw: boolean): string {
  // A string modified in place stays raw even when it now reads as an integer (Redis does not
  // re-encode it): SET k 12; APPEND k 3 -> raw.
  if (raw) return 'raw';
  if (v.length <= 20 && isIntEncodable(v)) return 'int';
  return v.length <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw';
}

/** What Redis's allocator would hold for the object (MEMORY USAGE, maxmemory accounting). */
export function stringMemoryUsage(v: string, raw: boolean): number {
  const n = v.length;
  if (!raw && n <= 20 && isIntEncodable(v)) return 16;
  if (n <= EMBSTR_SIZE_LIMIT && !raw) return 16 + 3 + n + 1 + (n + 20 < 32 ? 32 - n - 20 : 0) + 8;
  return 16 + 9 + n + 1 + 8;
}

/**
 * A string kept as an object: only for byte-backed values (bitmaps edited by SETBIT/BITFIELD,
 * HLLs edited by PFADD), whose bytes live in a state the command family attaches (see
 * bitops.ts makeLazy) and which `v` materializes on demand. Every other string is a plain JS
 * string in its keyspace slot; writers that store a new string drop the object.
 */
export class StringValue implements RedisValue {
  /** The bytes, latin1. */
  v: string;
  /** Set when the value was modified in place: OBJECT ENCODING reports raw. */
  raw: boolean;

  constructor(v: string, raw = false) {
    this.v = v;
    this.raw = raw;
  }

  get type(): 'string' { return 'string'; }

  encoding(): string { return stringEncoding(this.v, this.raw); }

  memoryUsage(): number { return stringMemoryUsage(this.v, this.raw); }
}

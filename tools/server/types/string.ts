/**
 * String values. The bytes are a latin1 JS string (one char per byte). The encoding Redis would
 * report is derived, not stored: 'int' for a canonical int64 of <= 20 chars, 'embstr' up to 44
 * bytes (OBJ_ENCODING_EMBSTR_SIZE_LIMIT), else 'raw'; strings modified in place (APPEND,
 * SETRANGE, SETBIT …) are 'raw' as in Redis.
 */
import type { RedisValue } from '../db.js';
import { isIntEncodable } from '../util/parse.js';

export const EMBSTR_SIZE_LIMIT = 44;

export class StringValue implements RedisValue {
  /** The bytes, latin1. */
  v: string;
  /** Set when the value was modified in place: OBJECT ENCODING reports raw. */
  raw: boolean;
  lru = 0;

  constructor(v: string, raw = false) {
    this.v = v;
    this.raw = raw;
  }

  get type(): 'string' { return 'string'; }

  encoding(): string {
    const v = this.v;
    if (v.length <= 20 && isIntEncodable(v)) return 'int';
    if (this.raw) return 'raw';
    return v.length <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw';
  }

  memoryUsage(): number {
    const n = this.v.length;
    if (n <= 20 && isIntEncodable(this.v)) return 16;
    if (n <= EMBSTR_SIZE_LIMIT && !this.raw) return 16 + 3 + n + 1 + (n + 20 < 32 ? 32 - n - 20 : 0) + 8;
    return 16 + 9 + n + 1 + 8;
  }
}

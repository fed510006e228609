/**
 * RESP values as the reply parser hands them out.
 *
 *   +OK\r\n            -> 'OK'                (simple string: a JS string)
 *   -ERR bad\r\n       -> RespError('ERR bad')
 *   :42\r\n            -> 42                  (bigint when outside the safe-integer range)
 *   $3\r\nfoo\r\n      -> Buffer('foo')       ($-1 -> null)
 *   *2\r\n...          -> [..]                (*-1 -> null)
 *   RESP3: _ null, #t boolean, ,1.5 double (number), (123 big number (bigint),
 *          =txt:.. VerbatimString, %n RespMap, ~n array (a set is an array), >n RespPush,
 *          |n attributes (skipped; the value that follows is returned).
 */

export class RespError {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
  /** The error code: the first word (`ERR`, `WRONGTYPE`, `NOAUTH` …). */
  get code(): string {
    const sp = this.message.indexOf(' ');
    return sp === -1 ? this.message : this.message.slice(0, sp);
  }
  toString(): string {
    return this.message;
  }
}

export class VerbatimString {
  constructor(readonly format: string, readonly text: Buffer) {}
}

/** RESP3 map: key/value pairs in wire order (keys may be Buffers, so no JS Map). */
export class RespMap {
  constructor(readonly entries: Array<[RespValue, RespValue]>) {}
  /** Looks a key up by its text (bulk/simple keys compared as UTF-8). */
  get(key: string): RespValue | undefined {
    for (const [k, v] of this.entries) if (respToString(k) === key) return v;
    return undefined;
  }
}

/** RESP3 out-of-band push (pub/sub messages, invalidations). */
export class RespPush {
  constructor(readonly items: RespValue[]) {}
}

export type RespValue =
  | string
  | Buffer
  | number
  | bigint
  | boolean
  | null
  | RespError
  | VerbatimString
  | RespMap
  | RespPush
  | RespValue[];

/** Text of a string-like value (simple, bulk, verbatim, number); undefined for the rest. */
export function respToString(v: RespValue): string | undefined {
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (v instanceof VerbatimString) return v.text.toString('utf8');
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return undefined;
}

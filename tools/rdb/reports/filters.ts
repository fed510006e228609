/**
 * The key filters of redis-rdb-tools (`-n DB`, `-k RE`, `-o RE`, `-t TYPE`), applied to `key`
 * records: a key that does not match is skipped with its `elements` and `key-end` records.
 *
 * Semantics kept from rdbtools (parser.py `matches_filter`):
 * - `-n` may repeat; databases not listed are skipped (their SELECTDB still starts a database
 *   in the json output, as in rdbtools).
 * - `-k` / `-o` are Python regular expressions matched with `re.match` against the key bytes:
 *   anchored at the start only. The pattern is taken as UTF-8 bytes, the key as bytes, so a
 *   pattern can match any byte. `.` does not match `\n` (only `\n`, as in Python).
 * - `-t` takes string, list, set, sortedset, hash (may repeat). With `-t`, streams and module
 *   values are never selected (rdbtools has no name for them in this option).
 */
import { RedkitError } from '../../errors.js';
import type { RdbKeyRecord, RdbValueType } from '../types.js';
import { latin1 } from './escape.js';

export const VALID_TYPES = ['hash', 'set', 'string', 'list', 'sortedset'] as const;
export type FilterType = (typeof VALID_TYPES)[number];

export interface KeyFilterOptions {
  dbs?: number[];
  keyPattern?: string;
  notKeyPattern?: string;
  types?: string[];
}

/** rdbtools' "logical type" names (parser.DATA_TYPE_MAPPING). */
export function logicalType(t: RdbValueType): string {
  return t === 'zset' ? 'sortedset' : t;
}

/**
 * Translates a Python `re` pattern to a JS RegExp over a latin1 view of bytes: the pattern's
 * non-ASCII characters become their UTF-8 bytes, `.` outside classes becomes `[^\n]`, and
 * Python-only syntax `(?P<name>` / `(?P=name)` is mapped to JS's named groups.
 */
export function pythonRegex(pattern: string): RegExp {
  // A leading inline-flag group `(?i)`, `(?s)`, `(?m)`, `(?is)`, ... becomes JS flags.
  let flags = 'y';
  const lead = /^\(\?([aiLmsux]+)\)/.exec(pattern);
  if (lead) {
    for (const f of lead[1]!) {
      if (f === 'i' || f === 'm' || f === 's') flags += f;
      else if (f !== 'a' && f !== 'u' && f !== 'L') throw new RedkitError('REDKIT_E_USAGE', `regular expression flag (?${f}) is not supported: ${JSON.stringify(pattern)}`);
    }
    pattern = pattern.slice(lead[0].length);
  }
  const dotAll = flags.includes('s');
  const bytes = latin1(Buffer.from(pattern, 'utf8'));
  let out = '';
  let inClass = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === '\\') {
      const next = bytes[i + 1] ?? '';
      // \Z (end of string in Python) -> $ ; \A -> ^ ; everything else passes through.
      if (!inClass && next === 'Z') out += '$(?![\\s\\S])';
      else if (!inClass && next === 'A') out += '^';
      else out += c + next;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (bytes[i + 1] === '^') out += bytes[++i];
      if (bytes[i + 1] === ']') out += '\\' + bytes[++i];
      continue;
    }
    if (c === '.') {
      out += dotAll ? '[\\s\\S]' : '[^\\n]';
      continue;
    }
    if (c === '(' && bytes.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    if (c === '(' && bytes.startsWith('(?P=', i)) {
      const end = bytes.indexOf(')', i);
      out += '\\k<' + bytes.slice(i + 4, end) + '>';
      i = end;
      continue;
    }
    out += c;
  }
  try {
    // Sticky + lastIndex 0 = Python's re.match: anchored at the start, not at the end.
    return new RegExp(out, flags);
  } catch (err) {
    throw new RedkitError('REDKIT_E_USAGE', `invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`, { cause: err });
  }
}

export class KeyFilter {
  readonly active: boolean;
  #dbs: Set<number> | undefined;
  #key: RegExp | undefined;
  #notKey: RegExp | undefined;
  #types: Set<string> | undefined;

  constructor(opts: KeyFilterOptions = {}) {
    this.#dbs = opts.dbs && opts.dbs.length > 0 ? new Set(opts.dbs) : undefined;
    this.#key = opts.keyPattern ? pythonRegex(opts.keyPattern) : undefined;
    this.#notKey = opts.notKeyPattern ? pythonRegex(opts.notKeyPattern) : undefined;
    if (opts.types && opts.types.length > 0) {
      for (const t of opts.types) {
        if (!(VALID_TYPES as readonly string[]).includes(t)) {
          throw new RedkitError('REDKIT_E_USAGE', `Invalid type provided - ${t}. Expected one of ${VALID_TYPES.join(', ')}`);
        }
      }
      this.#types = new Set(opts.types);
    }
    this.active = this.#dbs !== undefined || this.#key !== undefined || this.#notKey !== undefined || this.#types !== undefined;
  }

  matchesDb(db: number): boolean {
    return this.#dbs === undefined || this.#dbs.has(db);
  }

  matches(rec: RdbKeyRecord): boolean {
    if (this.#dbs !== undefined && !this.#dbs.has(rec.db)) return false;
    if (this.#key !== undefined || this.#notKey !== undefined) {
      const k = latin1(rec.key);
      // rdbtools tests `if key and ...`: an empty key is never filtered by the patterns.
      if (k.length > 0) {
        if (this.#notKey !== undefined) {
          this.#notKey.lastIndex = 0;
          if (this.#notKey.test(k)) return false;
        }
        if (this.#key !== undefined) {
          this.#key.lastIndex = 0;
          if (!this.#key.test(k)) return false;
        }
      }
    }
    if (this.#types !== undefined && !this.#types.has(logicalType(rec.type))) return false;
    return true;
  }
}

/**
 * `redkit monitor --faina`: redis-faina's report, byte for byte.
 *
 * This is a compatibility mode: it reproduces redis-faina (Instagram, last upstream commit
 * 5f732b0, run with Python 2.7) including its known mistakes, so scripts that parse its output
 * keep working. What it reproduces on purpose:
 *   - the same line regexes (2.6+ format: only `[db a.b.c.d:port]` clients match, so `lua`,
 *     `unix:` and IPv6 lines are skipped; `--redis-version` < 2.5 uses the 2.4 `(db N)` format);
 *   - "the key" is the first argument when it has none of the characters `(?<!\)"`;
 *   - timestamps parsed as floats and multiplied by 10^6 (hence durations like 39.75);
 *   - each time gap charged to the line BEFORE it (2.5+) or to the line itself (< 2.5);
 *   - command names counted case-sensitively; percentages over all lines read.
 * What differs, deliberately:
 *   - rows with equal values are ordered by name (faina's order is Python dict order, which
 *     is not defined); in Slowest Calls, equal durations are ordered by the printed call;
 *   - empty input, one line, or no time gaps print `n/a` instead of a Python traceback;
 *   - lines whose timestamp is not a number (`1.2.3`) are skipped instead of crashing;
 *   - memory: counts are kept in bounded top-k tables (exact unless more than `capacity`
 *     distinct keys are seen, which the report then says) and durations as a value->count
 *     map instead of one tuple per line.
 */
import { LineSplitter } from './lines.js';
import { py2Str, pyFixed } from './pyfmt.js';
import { TopK } from './stats.js';
import { py2DictOrder } from './py2dict.js';

export interface FainaOptions {
  /** `--prefix-delimiter` (default `:`). */
  prefixDelimiter?: string;
  /** `--redis-version` as redis-faina parses it (a float; default 2.6). */
  redisVersion?: number;
  /** Distinct keys/prefixes/commands kept exactly before top-k pruning starts. */
  capacity?: number;
  /**
   * Order of rows with equal values. Which equal rows make a top-8 cut is always redis-faina's
   * own choice (Python 2.7 dict order, emulated); 'name' (default) then prints equal rows by
   * name, 'python2' in redis-faina's order, which makes the output identical to it.
   */
  tieOrder?: 'name' | 'python2';
}

// Python 2 `\s` for str patterns is [ \t\n\r\f\v]; `.` is anything but \n.
const WS = '[ \\t\\n\\r\\f\\v]';
const KEY_AND_ARGS = `"(\\w+)"(?:${WS}"([^(?<!\\\\)"]+)(?<!\\\\)")?(?:${WS}([^\\n]+))?$`;
/** redis-faina's line_re_26: `<ts> [<db> <ipv4>:<port>] "cmd" ...` */
const LINE_RE_26 = new RegExp(`^([\\d.]+)${WS}\\[(\\d+)${WS}\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+\\]${WS}${KEY_AND_ARGS}`);
/** redis-faina's line_re_24: `<ts> (db <n>) "cmd" ...` */
const LINE_RE_24 = new RegExp(`^([\\d.]+)${WS}(\\(db${WS}(\\d+)\\)${WS})?${KEY_AND_ARGS}`);

/** redis-faina's match.groupdict(): every value a str or None (undefined here). */
interface Entry {
  timestamp: string;
  db: string | undefined;
  command: string;
  key: string | undefined;
  args: string | undefined;
}

interface Slow {
  duration: number;
  entry: Entry;
  text: string;
}

const SLOWEST_N = 8;
const TOP_N = 8;

/** Python 2 `str.strip()` whitespace. */
function isPySpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

export class FainaAnalyzer {
  readonly #delim: string;
  readonly #version: number;
  readonly #re: RegExp;
  readonly #tieOrder: 'name' | 'python2';
  #lineCount = 0;
  #skipped = 0;
  readonly #commands: TopK;
  readonly #keys: TopK;
  readonly #prefixes: TopK;
  /** duration -> how many times it occurred (exact percentiles without keeping every line). */
  readonly #durations = new Map<number, number>();
  #durationCount = 0;
  /** command -> summed duration, in input order (float addition order matters). */
  readonly #heavy = new Map<string, number>();
  #slowest: Slow[] = [];
  #startTs: number | undefined;
  #lastTs: number | undefined;
  #lastEntry: Entry | undefined;
  readonly #splitter = new LineSplitter();
  readonly #onLine = (buf: Buffer, start: number, end: number): void => this.#line(buf, start, end);

  constructor(opts: FainaOptions = {}) {
    // Compared with the line's bytes (latin1 strings here): the delimiter's UTF-8 bytes, as
    // Python 2 would get them from argv.
    this.#delim = Buffer.from(opts.prefixDelimiter ?? ':', 'utf8').toString('latin1');
    this.#version = opts.redisVersion ?? 2.6;
    this.#re = this.#version < 2.5 ? LINE_RE_24 : LINE_RE_26;
    this.#tieOrder = opts.tieOrder ?? 'name';
    const cap = opts.capacity ?? 1 << 17;
    this.#commands = new TopK(cap);
    this.#keys = new TopK(cap);
    this.#prefixes = new TopK(cap);
  }

  push(chunk: Buffer): void {
    this.#splitter.push(chunk, this.#onLine);
  }

  #line(buf: Buffer, start: number, end: number): void {
    this.#lineCount++;
    while (start < end && isPySpace(buf[start]!)) start++;
    while (end > start && isPySpace(buf[end - 1]!)) end--;
    const line = buf.latin1Slice(start, end);
    const m = this.#re.exec(line);
    if (!m) {
      if (line !== 'OK') this.#skipped++;
      return;
    }
    const v24 = this.#version < 2.5;
    const entry: Entry = { timestamp: m[1]!, db: m[v24 ? 3 : 2], command: m[v24 ? 4 : 3]!, key: m[v24 ? 5 : 4], args: m[v24 ? 6 : 5] };
    const ts = Number(m[1]) * 1000 * 1000;
    if (Number.isNaN(ts)) {
      // Python's float() would raise here and redis-faina would die; we skip the line.
      this.#skipped++;
      return;
    }
    this.#recordDuration(ts, entry);
    this.#commands.add(entry.command);
    if (entry.key) this.#recordKey(entry.key);
  }

  #recordDuration(ts: number, entry: Entry): void {
    if (!this.#startTs) {
      this.#startTs = ts;
      this.#lastTs = ts;
    }
    const duration = ts - this.#lastTs!;
    let cur: Entry | undefined;
    if (this.#version < 2.5) cur = entry;
    else {
      cur = this.#lastEntry;
      this.#lastEntry = entry;
    }
    if (duration && cur) {
      this.#durations.set(duration, (this.#durations.get(duration) ?? 0) + 1);
      this.#durationCount++;
      this.#heavy.set(cur.command, (this.#heavy.get(cur.command) ?? 0) + duration);
      this.#considerSlow(duration, cur);
    }
    this.#lastTs = ts;
  }

  /** Keeps the SLOWEST_N largest (duration, entry) tuples in Python 2's tuple order. */
  #considerSlow(duration: number, entry: Entry): void {
    const list = this.#slowest;
    if (list.length === SLOWEST_N && duration < list[SLOWEST_N - 1]!.duration) return;
    list.push({ duration, entry, text: reformatEntry(entry) });
    list.sort(comparePy2Slow);
    if (list.length > SLOWEST_N) list.pop();
  }

  #recordKey(key: string): void {
    this.#keys.add(key);
    const i = key.indexOf(this.#delim);
    // Python: len(key.split(delim)) > 1  <=>  delim occurs in key (an empty delim raises there).
    if (this.#delim !== '' && i >= 0) this.#prefixes.add(key.slice(0, i));
  }

  /** Finishes the input and renders the report (latin1 text: one char per input byte). */
  finish(): string {
    this.#splitter.end(this.#onLine);
    const out: string[] = [];
    const pp = (rows: Array<[string, string | number]>, title: string, percentages = false): void => {
      this.#prettyPrint(out, rows, title, percentages);
    };
    pp(this.#generalStats(), 'Overall Stats');
    pp(this.#topN(this.#prefixes), 'Top Prefixes', true);
    pp(this.#topN(this.#keys), 'Top Keys', true);
    pp(this.#topN(this.#commands), 'Top Commands', true);
    pp(this.#timeStats(), 'Command Time (microsecs)');
    pp(this.#heaviest(), 'Heaviest Commands (microsecs)');
    const slowest = this.#tieOrder === 'name' ? [...this.#slowest].sort(compareSlowByName) : this.#slowest;
    pp(slowest.map((s) => [py2Str(s.duration), s.text]), 'Slowest Calls');
    if (this.#keys.approximate || this.#prefixes.approximate || this.#commands.approximate) {
      out.push(`(more than ${this.#keys.capacity} distinct names: top counts are lower bounds, off by at most ${Math.max(this.#keys.maxError, this.#prefixes.maxError, this.#commands.maxError)})\n`);
    }
    return out.join('');
  }

  /** Lines read, and lines that matched neither the format nor the `OK` reply. */
  get counts(): { lines: number; skipped: number } {
    return { lines: this.#lineCount, skipped: this.#skipped };
  }

  #generalStats(): Array<[string, string | number]> {
    let rate = 'n/a';
    if (this.#startTs !== undefined) {
      const total = (this.#lastTs! - this.#startTs) / (1000 * 1000);
      if (total !== 0) rate = pyFixed(this.#lineCount / total, 2);
    }
    return [['Lines Processed', this.#lineCount], ['Commands/Sec', rate]];
  }

  #topN(t: TopK): Array<[string, number]> {
    return this.#pick(new Map(t.entries()), (a, b) => b - a).map(([k, v]) => [k, v]);
  }

  /**
   * redis-faina's `sorted(d.iteritems(), key=value, reverse=True)[:8]`: a stable sort of the
   * dict's items, so equal values keep Python 2.7 dict order (emulated from insertion order);
   * then, with tieOrder 'name', equal values are printed by name.
   */
  #pick<V extends number>(items: Map<string, V>, cmp: (a: V, b: V) => number): Array<[string, V]> {
    const order = py2DictOrder(items.keys());
    const chosen = order.map((k): [string, V] => [k, items.get(k)!]).sort((a, b) => cmp(a[1], b[1])).slice(0, TOP_N);
    if (this.#tieOrder === 'name') chosen.sort((a, b) => cmp(a[1], b[1]) || byName(a[0], b[0]));
    return chosen;
  }

  #timeStats(): Array<[string, string]> {
    const n = this.#durationCount;
    if (n === 0) return [];
    const values = [...this.#durations.keys()].sort((a, b) => a - b);
    const at = (index: number): number => {
      let seen = 0;
      for (const v of values) {
        seen += this.#durations.get(v)!;
        if (seen > index) return v;
      }
      return values[values.length - 1]!;
    };
    return [
      ['Median', py2Str(at(Math.floor(n / 2)))],
      ['75%', py2Str(at(Math.trunc(n * 0.75)))],
      ['90%', py2Str(at(Math.trunc(n * 0.9)))],
      ['99%', py2Str(at(Math.trunc(n * 0.99)))],
    ];
  }

  #heaviest(): Array<[string, string]> {
    return this.#pick(this.#heavy, (a, b) => b - a).map(([name, total]) => [name, py2Str(total)]);
  }

  /** redis-faina's _pretty_print, including Python 2 `print a, b, '\t', c` spacing. */
  #prettyPrint(out: string[], rows: Array<[string, string | number]>, title: string, percentages: boolean): void {
    out.push(`${title}\n${'='.repeat(40)}\n`);
    if (rows.length === 0) {
      out.push('n/a\n\n');
      return;
    }
    const maxKey = Math.max(...rows.map((r) => r[0].length));
    const maxVal = Math.max(...rows.map((r) => String(r[1]).length));
    for (const [key, val0] of rows) {
      const keyPadding = ' '.repeat(Math.max(maxKey - key.length, 0));
      let val = String(val0);
      if (percentages) {
        const valPadding = ' '.repeat(Math.max(maxVal - val.length, 0));
        val = `${val}${valPadding}\t(${pyFixed((Number(val0) / this.#lineCount) * 100, 2)}%)`;
      }
      // Python 2 print: a space before each item unless the previous item ended in a
      // whitespace character other than ' ' (softspace).
      const last = key.length > 0 ? key.charCodeAt(key.length - 1) : 0;
      const sep = key.length > 0 && last !== 0x20 && isPySpace(last) ? '' : ' ';
      out.push(`${key}${sep}${keyPadding} \t${val}\n`);
    }
    out.push('\n');
  }
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Python 2 ordering of None/str values: None is smaller than any str. */
function cmpPy(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return byName(a, b);
}

/**
 * Python 2.7 dict comparison of two groupdicts with the same keys: the values of the smallest
 * key (in key order: args, command, db, key, timestamp) where they differ decide.
 */
function comparePy2Entry(a: Entry, b: Entry): number {
  return cmpPy(a.args, b.args) || cmpPy(a.command, b.command) || cmpPy(a.db, b.db) || cmpPy(a.key, b.key) || cmpPy(a.timestamp, b.timestamp);
}

/** Descending in Python's `sorted(times)` order: what `reversed(sorted(times)[-8:])` prints. */
function comparePy2Slow(a: Slow, b: Slow): number {
  return b.duration - a.duration || comparePy2Entry(b.entry, a.entry);
}

function compareSlowByName(a: Slow, b: Slow): number {
  return b.duration - a.duration || byName(a.text, b.text);
}

/** redis-faina's _reformat_entry: command, key, and the first 5 space-separated arg words. */
function reformatEntry(entry: Entry): string {
  let output = `"${entry.command}"`;
  if (entry.key) output += ` "${entry.key}"`;
  if (entry.args) {
    const parts = entry.args.split(' ');
    const ellipses = parts.length > 5 ? ' ...' : '';
    output += ` ${parts.slice(0, 5).join(' ')}${ellipses}`;
  }
  return output;
}

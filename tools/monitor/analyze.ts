/**
 * The default `redkit monitor` report: redis-faina's sections, corrected.
 *
 * Streaming and bounded: one pass over the lines; counts in top-k tables, call durations in a
 * fixed-size log-linear histogram, only the slowest few calls kept. Nothing grows with the
 * number of lines (see stats.ts for the bounds).
 *
 * Time attribution (the rule the README states). MONITOR timestamps say when Redis LOGGED a
 * command, and that moment moved in Redis 7.0:
 *   - Redis >= 7.0: a native command is logged after it has run; EVAL/EVALSHA/FCALL (and _RO)
 *     are logged before their script runs, and each redis.call() inside the script is logged
 *     (as a `[db lua]` line) after that call has run. So the gap between two consecutive lines
 *     is charged to: the script, if the later line is a `lua` line of it or the earlier line
 *     belongs to a script (its start or one of its lua lines); otherwise, to the later line's
 *     command when it is a native command; the gap before a script's start line is idle time
 *     and charged to nobody.
 *   - Redis < 7.0 (2.6 .. 6.2): every line is logged before its command runs, so the gap after
 *     a line is charged to that line's command (to the script, for script starts and lua lines).
 * A gap also contains network, parsing and idle time of a server that was waiting for the next
 * command, so every duration here is an UPPER BOUND of the command's execution time.
 */
import { LineSplitter } from './lines.js';
import { MonitorLine, reprBytes, type ClientKind } from './parser.js';
import { CONTAINERS, KEY_SPECS, keyPositionsInto, specKeysInto, SCRIPT_COMMANDS, type KeySpec } from './keyspec.js';
import { ByteCounter, ByteInterner, FNV_OFFSET, FNV_PRIME, fmix } from './intern.js';
import { LogHistogram, TopK, byName } from './stats.js';

export interface MonitorOptions {
  /** Redis version that produced the capture: decides the time attribution (default 7.0). */
  redisVersion?: string;
  /** Prefix delimiter for "Top Prefixes" (default `:`). */
  prefixDelimiter?: string;
  /** Rows per top list (default 8, like redis-faina). */
  top?: number;
  /** Distinct names kept exactly per table before top-k pruning (default 131072). */
  capacity?: number;
  /** How many junk lines to quote in the report (default 5). */
  junkExamples?: number;
}

export interface CountRow {
  name: string;
  count: number;
  /** Share in percent (of commands, or of key references for keys and prefixes). */
  percent: number;
}

export interface TimeRow {
  name: string;
  /** Summed upper-bound microseconds. */
  us: number;
  calls: number;
}

export interface SlowCall {
  us: number;
  line: number;
  db: number;
  client: string;
  call: string;
}

export interface MonitorReport {
  redisVersion: string;
  attribution: 'logged-after (Redis >= 7.0)' | 'logged-before (Redis < 7.0)';
  lines: {
    total: number;
    commands: number;
    /** Commands issued by scripts (`lua` lines). */
    scriptCommands: number;
    /** redis-cli's `OK`, blank lines. */
    ignored: number;
    junk: number;
    junkExamples: Array<{ line: number; offset: number; reason: string; text: string }>;
  };
  /** First and last timestamps (µs since the epoch), null when there was no command. */
  firstTs: number | null;
  lastTs: number | null;
  spanUs: number;
  commandsPerSec: number | null;
  keyReferences: number;
  topPrefixes: CountRow[];
  topKeys: CountRow[];
  topCommands: CountRow[];
  topScriptCommands: CountRow[];
  commandTime: { calls: number; p50: number; p75: number; p90: number; p99: number; max: number } | null;
  heaviestCommands: TimeRow[];
  slowestCalls: SlowCall[];
  idleUs: number;
  dbs: Array<{ db: number; commands: number; us: number }>;
  clients: Array<{ client: string; kind: ClientKind; commands: number; us: number }>;
  clientKinds: Record<ClientKind, number>;
  /** Call durations in power-of-two buckets [lo, hi) µs. */
  histogram: Array<{ lo: number; hi: number; count: number }>;
  /** Commands (incl. script commands) over time: counts per `bucketUs` from `firstTs`. */
  timeline: { bucketUs: number; counts: number[] };
  /** True when a top list had more distinct names than `capacity` (counts are lower bounds). */
  approximate: boolean;
}

interface Call {
  info: CommandInfo;
  us: number;
  timed: boolean;
  line: number;
  db: number;
  client: ClientStat | null;
  call: string;
}

interface DbStat {
  commands: number;
  us: number;
}

interface ClientStat {
  client: string;
  kind: ClientKind;
  commands: number;
  us: number;
}

/** Everything known about one command name, found from its bytes once per distinct spelling. */
interface CommandInfo {
  name: string;
  isScript: boolean;
  /** Key specs when they do not depend on a subcommand or special code; null otherwise. */
  specs: readonly KeySpec[] | null;
  /** Needs keyPositionsInto() (containers, SORT, MIGRATE). */
  special: boolean;
  commands: number;
  scriptCommands: number;
  us: number;
  calls: number;
}

const TIMELINE_BUCKETS = 60;

/** Distinct command names tracked; more (a capture of garbage) are merged into "(other)". */
const MAX_COMMAND_NAMES = 65536;

const CALL_TEXT_MAX = 160;

/** Parses `7`, `7.0`, `7.0.15`, `6.2.6` into a comparable major.minor number. */
export function versionNumber(v: string): number {
  const m = /^(\d+)(?:\.(\d+))?/.exec(v.trim());
  if (!m) return NaN;
  return Number(m[1]) + Number(m[2] ?? 0) / 100;
}

export class MonitorAnalyzer {
  readonly #opts: Required<MonitorOptions>;
  readonly #loggedAfter: boolean;
  readonly #line = new MonitorLine();
  readonly #splitter = new LineSplitter();
  readonly #keyPos: number[] = [];
  #lines = 0;
  #commands = 0;
  #scriptCmds = 0;
  #ignored = 0;
  #junk = 0;
  readonly #junkExamples: MonitorReport['lines']['junkExamples'] = [];
  // Timestamps are doubles > 2^31: kept in always-number fields (a `number | null` field would
  // box a new heap number on every store). NaN = not seen yet.
  #firstTs = NaN;
  #lastTs = NaN;
  readonly #cmdBytes = new ByteInterner<CommandInfo>(4096);
  readonly #cmdByName = new Map<string, CommandInfo>();
  readonly #clientBytes = new ByteInterner<ClientStat>(4096);
  readonly #topKeys: TopK;
  readonly #topPrefixes: TopK;
  readonly #hist = new LogHistogram();
  #slowest: SlowCall[] = [];
  #idle = 0;
  readonly #dbs = new Map<number, DbStat>();
  /** Fast path for the usual small db numbers. */
  readonly #dbArr: Array<DbStat | undefined> = [];
  /** Keys and prefixes counted from their bytes; names past the interners' capacity go to the TopKs. */
  readonly #keyBytes = new ByteCounter(1 << 16);
  readonly #prefixBytes = new ByteCounter(1 << 14);
  readonly #delim: Buffer;
  #keyRefs = 0;
  /** Timeline: at most TIMELINE_BUCKETS buckets; the width doubles when the capture gets longer. */
  #tlWidth = 1000;
  readonly #tl = new Float64Array(TIMELINE_BUCKETS);
  /** Clients beyond the interner's capacity (bounded by pruning). */
  readonly #clients = new Map<string, ClientStat>();
  #clientsPruned = false;
  readonly #kinds: Record<ClientKind, number> = { tcp: 0, ipv6: 0, unix: 0, lua: 0, none: 0 };
  /** < 7.0: the call that receives the next gap. >= 7.0: the open script, if any. */
  #pending: Call | null = null;
  readonly #onLine = (buf: Buffer, start: number, end: number, offset: number): void => this.#onRawLine(buf, start, end, offset);

  constructor(opts: MonitorOptions = {}) {
    this.#opts = {
      redisVersion: opts.redisVersion ?? '7.0',
      prefixDelimiter: opts.prefixDelimiter ?? ':',
      top: opts.top ?? 8,
      capacity: opts.capacity ?? 1 << 17,
      junkExamples: opts.junkExamples ?? 5,
    };
    const v = versionNumber(this.#opts.redisVersion);
    this.#loggedAfter = !(v < 7);
    const cap = this.#opts.capacity;
    this.#delim = Buffer.from(this.#opts.prefixDelimiter);
    this.#topKeys = new TopK(cap);
    this.#topPrefixes = new TopK(cap);
  }

  push(chunk: Buffer): void {
    this.#splitter.push(chunk, this.#onLine);
  }

  /** Feeds one line (without its newline), e.g. from a live MONITOR connection. */
  pushLine(line: Buffer): void {
    this.#onRawLine(line, 0, line.length, -1);
  }

  #onRawLine(buf: Buffer, start: number, end: number, offset: number): void {
    this.#lines++;
    const L = this.#line;
    if (!L.parse(buf, start, end)) {
      let s = start;
      let e = end;
      while (s < e && (buf[s] === 0x20 || buf[s] === 0x09)) s++;
      while (e > s && (buf[e - 1] === 0x20 || buf[e - 1] === 0x09 || buf[e - 1] === 0x0d)) e--;
      if (e === s || (e - s === 2 && buf[s] === 0x4f && buf[s + 1] === 0x4b) || (e - s === 3 && buf[s] === 0x2b && buf[s + 1] === 0x4f)) {
        this.#ignored++;
        return;
      }
      this.#junk++;
      if (this.#junkExamples.length < this.#opts.junkExamples) {
        this.#junkExamples.push({ line: this.#lines, offset, reason: L.error, text: buf.latin1Slice(start, Math.min(end, start + 200)) });
      }
      return;
    }
    this.#onCommand(L);
  }

  #timeline(sinceStart: number): void {
    let i = Math.floor(Math.max(0, sinceStart) / this.#tlWidth);
    while (i >= TIMELINE_BUCKETS) {
      const t = this.#tl;
      for (let k = 0; k < TIMELINE_BUCKETS / 2; k++) t[k] = t[2 * k]! + t[2 * k + 1]!;
      t.fill(0, TIMELINE_BUCKETS / 2);
      this.#tlWidth *= 2;
      i = Math.floor(sinceStart / this.#tlWidth);
    }
    this.#tl[i]!++;
  }

  #db(db: number): DbStat {
    let d = db < 1024 ? this.#dbArr[db] : this.#dbs.get(db);
    if (!d) {
      d = { commands: 0, us: 0 };
      this.#dbs.set(db, d);
      if (db < 1024) this.#dbArr[db] = d;
    }
    return d;
  }

  #command(L: MonitorLine): CommandInfo {
    const buf = L.buffer;
    const s0 = L.argStart(0);
    const e0 = L.argEnd(0);
    const escaped = L.argEscaped(0);
    let h = 0;
    if (!escaped) {
      h = ByteInterner.hash(buf, s0, e0);
      const hit = this.#cmdBytes.get(buf, s0, e0, h);
      if (hit) return hit;
    }
    const name = L.arg(0).toUpperCase();
    let info = this.#cmdByName.get(name);
    if (!info) {
      const key = this.#cmdByName.size < MAX_COMMAND_NAMES ? name : '(other)';
      info = this.#cmdByName.get(key);
      if (!info) {
        const special = CONTAINERS.has(key) || key === 'SORT' || key === 'SORT_RO' || key === 'MIGRATE';
        info = { name: key, isScript: SCRIPT_COMMANDS.has(key), specs: special ? null : (KEY_SPECS[key] ?? null), special, commands: 0, scriptCommands: 0, us: 0, calls: 0 };
        this.#cmdByName.set(key, info);
      }
    }
    if (!escaped) this.#cmdBytes.add(buf, s0, e0, info, h);
    return info;
  }

  #onCommand(L: MonitorLine): void {
    const ts = L.ts;
    const prev = this.#lastTs;
    if (prev !== prev) this.#firstTs = ts;
    this.#lastTs = ts;
    const gap = prev !== prev ? null : ts - prev;
    this.#timeline(ts - this.#firstTs);
    const info = this.#command(L);
    const isLua = L.clientKind === 'lua';
    this.#kinds[L.clientKind]++;
    let client: ClientStat | null = null;
    if (isLua) {
      this.#scriptCmds++;
      info.scriptCommands++;
    } else {
      this.#commands++;
      info.commands++;
      this.#db(L.db).commands++;
      client = this.#clientStat(L);
      client.commands++;
    }
    const isScript = !isLua && info.isScript;
    // Keys: a script's real accesses are its lua lines; its declared KEYS would count twice.
    if (!isScript && (info.specs !== null || info.special)) this.#countKeys(L, info);

    if (this.#loggedAfter) this.#attributeAfter(L, info, gap, isLua, isScript, client);
    else this.#attributeBefore(L, info, gap, isLua, client);
  }

  #attributeAfter(L: MonitorLine, info: CommandInfo, gap: number | null, isLua: boolean, isScript: boolean, client: ClientStat | null): void {
    const script = this.#pending;
    if (isLua) {
      if (script) {
        if (gap !== null) this.#charge(script, gap);
      } else if (gap !== null) this.#idle += gap; // capture started inside a script
      return;
    }
    let g = gap;
    if (script) {
      if (g !== null) this.#charge(script, g);
      this.#finish(script);
      this.#pending = null;
      g = g === null ? null : 0;
    }
    if (isScript) {
      if (g !== null && !script) this.#idle += g;
      this.#pending = this.#newCall(L, info, true, client);
      return;
    }
    if (g !== null) this.#record(info, g, this.#lines, L.db, client, null);
  }

  #attributeBefore(L: MonitorLine, info: CommandInfo, gap: number | null, isLua: boolean, client: ClientStat | null): void {
    const pending = this.#pending;
    if (pending && gap !== null) this.#charge(pending, gap);
    if (isLua && pending && pending.info.isScript) return; // still the script's time
    if (pending) this.#finish(pending);
    this.#pending = isLua ? null : this.#newCall(L, info, true, client);
  }

  /** A call charged on later lines (scripts; every call under the < 7.0 rule): keeps its text. */
  #newCall(L: MonitorLine, info: CommandInfo, _deferred: boolean, client: ClientStat | null): Call {
    return { info, us: 0, timed: false, line: this.#lines, db: L.db, client, call: L.rawArgs(CALL_TEXT_MAX) };
  }

  #charge(call: Call, us: number): void {
    call.us += us;
    call.timed = true;
  }

  #slowCandidate(us: number): boolean {
    const s = this.#slowest;
    return s.length < this.#opts.top || us >= s[s.length - 1]!.us;
  }

  #finish(call: Call): void {
    if (call.timed) this.#record(call.info, call.us, call.line, call.db, call.client, call.call);
  }

  /**
   * Books one call's duration. `text` is the call as printed, or null for a native call being
   * recorded on its own line (the text is then taken from the current line, only if needed).
   */
  #record(info: CommandInfo, us: number, line: number, db: number, client: ClientStat | null, text0: string | null): void {
    this.#hist.add(us);
    info.us += us;
    info.calls++;
    this.#db(db).us += us;
    if (client) client.us += us;
    if (this.#slowCandidate(us)) {
      let text = text0 ?? this.#line.rawArgs(CALL_TEXT_MAX);
      if (text.length >= CALL_TEXT_MAX) text += ' ...';
      this.#slowest.push({ us, line, db, client: client?.client ?? '', call: text });
      this.#slowest.sort((a, b) => b.us - a.us || a.line - b.line);
      if (this.#slowest.length > this.#opts.top) this.#slowest.pop();
    }
  }

  #clientStat(L: MonitorLine): ClientStat {
    const buf = L.buffer;
    const s0 = L.clientStart;
    const e0 = L.clientEnd;
    const h = ByteInterner.hash(buf, s0, e0);
    const hit = this.#clientBytes.get(buf, s0, e0, h);
    if (hit) return hit;
    const client = L.client;
    let c = this.#clients.get(client);
    if (!c) {
      c = { client, kind: L.clientKind, commands: 0, us: 0 };
      if (!this.#clientBytes.add(buf, s0, e0, c, h)) {
        if (this.#clients.size >= this.#opts.capacity) this.#pruneClients();
        this.#clients.set(client, c);
      }
    }
    return c;
  }

  #pruneClients(): void {
    const counts = [...this.#clients.values()].map((c) => c.commands).sort((a, b) => b - a);
    const threshold = counts[Math.floor(counts.length / 2)]!;
    for (const [k, c] of this.#clients) if (c.commands <= threshold) this.#clients.delete(k);
    this.#clientsPruned = true;
  }

  #countKeys(L: MonitorLine, info: CommandInfo): void {
    const pos = this.#keyPos;
    const n = info.specs !== null ? specKeysInto(info.specs, L.argc, L, pos) : keyPositionsInto(info.name, L.argc, L, pos);
    const delim = this.#delim;
    const dl = delim.length;
    const d0 = dl > 0 ? delim[0]! : -1;
    for (let j = 0; j < n; j++) {
      const i = pos[j]!;
      let buf: Buffer;
      let s: number;
      let e: number;
      if (L.argEscaped(i)) {
        buf = L.argBytes(i);
        s = 0;
        e = buf.length;
      } else {
        buf = L.buffer;
        s = L.argStart(i);
        e = L.argEnd(i);
      }
      this.#keyRefs++;
      // one pass: the key's hash, and the hash of the prefix (bytes before the first delimiter)
      let h = FNV_OFFSET;
      let ph = 0;
      let pe = -1;
      for (let p = s; p < e; p++) {
        const c = buf[p]!;
        if (c === d0 && pe < 0 && p + dl <= e) {
          let k = 1;
          while (k < dl && buf[p + k] === delim[k]) k++;
          if (k === dl) {
            pe = p;
            ph = h;
          }
        }
        h = Math.imul(h ^ c, FNV_PRIME);
      }
      if (!this.#keyBytes.addHashed(buf, s, e, fmix(h))) this.#topKeys.add(buf.latin1Slice(s, e));
      if (pe >= 0 && !this.#prefixBytes.addHashed(buf, s, pe, fmix(ph))) this.#topPrefixes.add(buf.latin1Slice(s, pe));
    }
  }

  /** Ends the input and returns the report. */
  finish(): MonitorReport {
    this.#splitter.end(this.#onLine);
    if (this.#pending) {
      this.#finish(this.#pending);
      this.#pending = null;
    }
    const top = this.#opts.top;
    const cmds = this.#commands;
    const keyRefs = this.#keyRefs;
    const rows = (interned: ByteCounter, t: TopK, total: number): CountRow[] => {
      const all = t.top(top);
      for (const [name, count] of interned.entries()) all.push({ name, count });
      all.sort((a, b) => b.count - a.count || byName(a.name, b.name));
      return all.slice(0, top).map((e) => ({ name: displayName(e.name), count: e.count, percent: total > 0 ? (e.count / total) * 100 : 0 }));
    };
    const infos = [...this.#cmdByName.values()];
    const cmdRows = (pick: (i: CommandInfo) => number, total: number): CountRow[] =>
      infos.filter((i) => pick(i) > 0)
        .sort((a, b) => pick(b) - pick(a) || byName(a.name, b.name))
        .slice(0, top)
        .map((i) => ({ name: displayName(i.name), count: pick(i), percent: total > 0 ? (pick(i) / total) * 100 : 0 }));
    const clients = new Map<string, ClientStat>(this.#clients);
    for (const c of this.#clientBytes.values()) clients.set(c.client, c);
    const seen = !Number.isNaN(this.#firstTs);
    const span = seen ? this.#lastTs - this.#firstTs : 0;
    const h = this.#hist;
    return {
      redisVersion: this.#opts.redisVersion,
      attribution: this.#loggedAfter ? 'logged-after (Redis >= 7.0)' : 'logged-before (Redis < 7.0)',
      lines: {
        total: this.#lines,
        commands: cmds,
        scriptCommands: this.#scriptCmds,
        ignored: this.#ignored,
        junk: this.#junk,
        junkExamples: this.#junkExamples,
      },
      firstTs: seen ? this.#firstTs : null,
      lastTs: seen ? this.#lastTs : null,
      spanUs: span,
      commandsPerSec: span > 0 ? (cmds + this.#scriptCmds) / (span / 1e6) : null,
      keyReferences: keyRefs,
      topPrefixes: rows(this.#prefixBytes, this.#topPrefixes, keyRefs),
      topKeys: rows(this.#keyBytes, this.#topKeys, keyRefs),
      topCommands: cmdRows((i) => i.commands, cmds),
      topScriptCommands: cmdRows((i) => i.scriptCommands, this.#scriptCmds),
      commandTime: h.count === 0 ? null : { calls: h.count, p50: h.quantile(0.5), p75: h.quantile(0.75), p90: h.quantile(0.9), p99: h.quantile(0.99), max: h.max },
      heaviestCommands: infos.filter((i) => i.calls > 0)
        .sort((a, b) => b.us - a.us || byName(a.name, b.name))
        .slice(0, top)
        .map((i) => ({ name: displayName(i.name), us: i.us, calls: i.calls })),
      slowestCalls: this.#slowest.map((s) => ({ ...s, client: s.client || '-' })),
      idleUs: this.#idle,
      dbs: [...this.#dbs].map(([db, v]) => ({ db, commands: v.commands, us: v.us })).sort((a, b) => a.db - b.db),
      clients: [...clients.values()]
        .map((v) => ({ client: v.client || '-', kind: v.kind, commands: v.commands, us: v.us }))
        .sort((a, b) => b.commands - a.commands || byName(a.client, b.client))
        .slice(0, top),
      clientKinds: { ...this.#kinds },
      histogram: h.pow2Buckets(),
      timeline: { bucketUs: this.#tlWidth, counts: trimZeros(Array.from(this.#tl)) },
      approximate: this.#topKeys.approximate || this.#topPrefixes.approximate || this.#cmdByName.has('(other)') || this.#clientsPruned,
    };
  }
}

function trimZeros(a: number[]): number[] {
  let n = a.length;
  while (n > 0 && a[n - 1] === 0) n--;
  return a.slice(0, n);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * How a name (latin1 string of raw bytes) is shown: as UTF-8 text when it is valid UTF-8 with
 * no control characters, otherwise in MONITOR's own quoted, escaped form (`"bin:\xff\x00"`).
 */
export function displayName(raw: string): string {
  let ascii = true;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return reprBytes(Buffer.from(raw, 'latin1'));
    if (c > 0x7f) ascii = false;
  }
  if (ascii) return raw;
  const bytes = Buffer.from(raw, 'latin1');
  try {
    const text = UTF8.decode(bytes);
    // C1 controls and the like would still garble a terminal
    return /[\u0080-\u009f]/.test(text) ? reprBytes(bytes) : text;
  } catch {
    return reprBytes(bytes);
  }
}

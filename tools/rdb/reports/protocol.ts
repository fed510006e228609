/**
 * `rdb --command protocol` (redis-rdb-tools' ProtocolCallback): the dump as RESP commands that
 * rebuild it, e.g. for `redis-cli --pipe`.
 *
 *   *2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n
 *
 * SELECT per database, SET / RPUSH / SADD / HSET / ZADD one element per command, EXPIREAT
 * (seconds, truncated) after the key unless `-x`; `-a N` adds N seconds. The escape mode
 * applies to every argument (default raw).
 *
 * Beyond rdbtools (which drops them silently):
 * - streams: XADD per entry; then `XSETID key last-id [ENTRIESADDED n MAXDELETEDID id]`;
 *   per group `XGROUP CREATE key group last-id [ENTRIESREAD n]`, per consumer
 *   `XGROUP CREATECONSUMER`, and per pending entry `XCLAIM key group consumer 0 id TIME ms
 *   RETRYCOUNT n FORCE JUSTID` (delivery time and count kept; consumer seen-times are not
 *   restorable through commands). An empty stream is created with `XADD key MAXLEN 0 id x y`.
 * - functions: `FUNCTION LOAD <code>`.
 * - hash fields with TTLs: `HPEXPIREAT key ms FIELDS 1 field` after the field's HSET.
 * Module values are skipped, as in rdbtools (their payload is opaque).
 */
import type { RdbEncoding, RdbKeyRecord, RdbRecord, StreamMeta } from '../types.js';
import { escapeAscii, escapeBytes, type EscapeMode } from './escape.js';
import { expireSeconds } from './pyfmt.js';
import type { ByteOut, RdbReport } from './run.js';
import { scoreText, streamIdText, zipmapValue } from './values.js';

export interface ProtocolOptions {
  escape?: EscapeMode;
  /** `-x`: drop expiry commands. */
  noExpire?: boolean;
  /** `-a N`: add N seconds to every expiry (only N > 0 counts, as in rdbtools). */
  amendExpireSeconds?: number;
  /** Drop streams, as rdbtools does (for scripts that compare with its output). */
  rdbtoolsStreams?: boolean;
}

export class ProtocolReport implements RdbReport {
  #out: ByteOut;
  #esc: EscapeMode;
  #emitExpire: boolean;
  #amend: number;
  #key = ''; // escaped key of the current key
  #expire: number | null = null;
  #rdbType = 0;
  #encoding: RdbEncoding = 'string';
  #streamEntries = 0;
  #rdbtoolsStreams: boolean;
  #skipKey = false;

  constructor(out: ByteOut, opts: ProtocolOptions = {}) {
    this.#out = out;
    this.#esc = opts.escape ?? 'raw';
    this.#emitExpire = !opts.noExpire;
    this.#amend = opts.amendExpireSeconds && opts.amendExpireSeconds > 0 ? opts.amendExpireSeconds : 0;
    this.#rdbtoolsStreams = opts.rdbtoolsStreams ?? false;
  }

  /** One command; every argument is an already-escaped byte string. */
  #cmd(args: string[]): string {
    let s = '*' + args.length + '\r\n';
    for (const a of args) s += '$' + a.length + '\r\n' + a + '\r\n';
    return s;
  }

  /** Fast path (raw escape): `*3 CMD key <bytes>` written straight from the value buffer. */
  #cmd3(head: string, v: Buffer): void {
    const out = this.#out;
    out.ascii(head);
    out.ascii('$' + v.length + '\r\n');
    out.bytes(v);
    out.ascii('\r\n');
  }

  #b(b: Buffer): string {
    return escapeBytes(b, this.#esc);
  }

  #a(text: string): string {
    return escapeAscii(text, this.#esc);
  }

  onRecord(rec: RdbRecord): void {
    switch (rec.kind) {
      case 'selectdb':
        this.#out.ascii(this.#cmd([this.#a('SELECT'), this.#a(String(rec.db))]));
        return;
      case 'function':
        this.#out.ascii(this.#cmd([this.#a('FUNCTION'), this.#a('LOAD'), this.#b(rec.code)]));
        return;
      case 'key':
        this.#startKey(rec);
        return;
      case 'elements':
        if (!this.#skipKey) this.#elements(rec.elements);
        return;
      case 'key-end':
        if (this.#skipKey) return;
        if (rec.type === 'stream') this.#streamEnd(rec.stream);
        if (rec.type !== 'module' && this.#expire !== null) {
          this.#out.ascii(this.#cmd([this.#a('EXPIREAT'), this.#key, this.#a(String(expireSeconds(this.#expire) + this.#amend))]));
        }
        return;
      default:
        return;
    }
  }

  #startKey(rec: RdbKeyRecord): void {
    this.#key = this.#b(rec.key);
    this.#expire = this.#emitExpire ? rec.expireMs : null;
    this.#rdbType = rec.rdbType;
    this.#encoding = rec.encoding;
    this.#streamEntries = 0;
    this.#skipKey = rec.type === 'stream' && this.#rdbtoolsStreams;
    if (rec.type === 'string') {
      const v = rec.value ?? Buffer.alloc(0);
      if (this.#esc === 'raw') this.#cmd3('*3\r\n$3\r\nSET\r\n$' + this.#key.length + '\r\n' + this.#key + '\r\n', v);
      else this.#out.ascii(this.#cmd([this.#a('SET'), this.#key, this.#b(v)]));
    }
  }

  #elements(el: Extract<RdbRecord, { kind: 'elements' }>['elements']): void {
    const key = this.#key;
    let s = '';
    switch (el.type) {
      case 'list':
      case 'set': {
        const c = this.#a(el.type === 'list' ? 'RPUSH' : 'SADD');
        if (this.#esc === 'raw') {
          const head = '*3\r\n$' + c.length + '\r\n' + c + '\r\n$' + key.length + '\r\n' + key + '\r\n';
          for (const v of el.items) this.#cmd3(head, v);
        } else {
          for (const v of el.items) s += this.#cmd([c, key, this.#b(v)]);
        }
        break;
      }
      case 'hash': {
        const c = this.#a('HSET');
        const zipmap = this.#rdbType === 9;
        if (this.#esc === 'raw' && !zipmap) {
          const out = this.#out;
          const head = '*4\r\n$4\r\nHSET\r\n$' + key.length + '\r\n' + key + '\r\n';
          for (const f of el.items) {
            out.ascii(head + '$' + f.field.length + '\r\n');
            out.bytes(f.field);
            out.ascii('\r\n$' + f.value.length + '\r\n');
            out.bytes(f.value);
            out.ascii('\r\n');
            if (f.expireMs !== undefined && this.#emitExpire) {
              out.ascii(this.#cmd([this.#a('HPEXPIREAT'), key, this.#a(String(f.expireMs + this.#amend * 1000)), this.#a('FIELDS'), this.#a('1'), this.#b(f.field)]));
            }
          }
          break;
        }
        for (const f of el.items) {
          const field = this.#b(f.field);
          s += this.#cmd([c, key, field, this.#b(zipmap ? zipmapValue(f.value) : f.value)]);
          if (f.expireMs !== undefined && this.#emitExpire) {
            s += this.#cmd([this.#a('HPEXPIREAT'), key, this.#a(String(f.expireMs + this.#amend * 1000)), this.#a('FIELDS'), this.#a('1'), field]);
          }
        }
        break;
      }
      case 'zset': {
        const c = this.#a('ZADD');
        if (this.#esc === 'raw') {
          const out = this.#out;
          const head = '*4\r\n$4\r\nZADD\r\n$' + key.length + '\r\n' + key + '\r\n';
          for (const m of el.items) {
            const t = scoreText(m, this.#rdbType, this.#encoding);
            out.ascii(head + '$' + t.length + '\r\n' + t + '\r\n$' + m.member.length + '\r\n');
            out.bytes(m.member);
            out.ascii('\r\n');
          }
          break;
        }
        for (const m of el.items) {
          const t = scoreText(m, this.#rdbType, this.#encoding);
          s += this.#cmd([c, key, this.#rdbType === 3 ? this.#b(Buffer.from(t, 'latin1')) : this.#a(t), this.#b(m.member)]);
        }
        break;
      }
      case 'stream': {
        const c = this.#a('XADD');
        for (const e of el.items) {
          const args = [c, key, this.#a(streamIdText(e.id))];
          for (const [f, v] of e.fields) args.push(this.#b(f), this.#b(v));
          s += this.#cmd(args);
        }
        this.#streamEntries += el.items.length;
        break;
      }
    }
    this.#out.ascii(s);
  }

  #streamEnd(meta: StreamMeta | undefined): void {
    if (!meta) return;
    const key = this.#key;
    const a = (t: string) => this.#a(t);
    let s = '';
    const last = streamIdText(meta.lastId);
    if (this.#streamEntries === 0) {
      // XADD cannot add zero fields; add one entry and trim it away at once.
      const id = last === '0-0' ? '0-1' : last;
      s += this.#cmd([a('XADD'), key, a('MAXLEN'), a('0'), a(id), a('x'), a('y')]);
    }
    const setid = [a('XSETID'), key, a(last)];
    if (meta.entriesAdded !== undefined) {
      setid.push(a('ENTRIESADDED'), a(String(meta.entriesAdded)), a('MAXDELETEDID'), a(meta.maxDeletedEntryId ? streamIdText(meta.maxDeletedEntryId) : '0-0'));
    }
    s += this.#cmd(setid);
    for (const g of meta.groups) {
      const name = this.#b(g.name);
      const create = [a('XGROUP'), a('CREATE'), key, name, a(streamIdText(g.lastId))];
      if (g.entriesRead !== undefined && g.entriesRead >= 0) create.push(a('ENTRIESREAD'), a(String(g.entriesRead)));
      s += this.#cmd(create);
      const nacks = new Map<string, { deliveryTimeMs: number; deliveryCount: number }>();
      for (const p of g.pending) nacks.set(streamIdText(p.id), p);
      for (const c of g.consumers) {
        const cname = this.#b(c.name);
        s += this.#cmd([a('XGROUP'), a('CREATECONSUMER'), key, name, cname]);
        for (const id of c.pending) {
          const idText = streamIdText(id);
          const nack = nacks.get(idText);
          const args = [a('XCLAIM'), key, name, cname, a('0'), a(idText)];
          if (nack) args.push(a('TIME'), a(String(nack.deliveryTimeMs)), a('RETRYCOUNT'), a(String(nack.deliveryCount)));
          args.push(a('FORCE'), a('JUSTID'));
          s += this.#cmd(args);
        }
      }
    }
    this.#out.ascii(s);
  }
}

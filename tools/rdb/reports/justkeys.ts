/**
 * `rdb --command justkeys` and `--command justkeyvals` (redis-rdb-tools' KeysOnlyCallback and
 * KeyValsOnlyCallback), byte for byte.
 *
 * justkeys writes the key once when it starts and once more per element (per hash field, set
 * member, list item, zset member): that is what rdbtools 0.1.15 does, and scripts piping it to
 * `sort -u` depend on nothing else, so the repetition is kept. Strings, streams and module
 * values appear once.
 *
 * justkeyvals: "\r\n" before the first key, ",\r\n" before every other one (across databases),
 * then `key value` (string), `key f v,f v` (hash), `key a,b` (list, set), `key m s,m s` (zset).
 * Deliberate difference: a stream is `key id f v f v,id f v` instead of just `key `.
 */
import type { RdbRecord } from '../types.js';
import { escapeAscii, escapeBytes, writeEscaped, type EscapeMode } from './escape.js';
import type { ByteOut, RdbReport } from './run.js';
import { scoreText, streamIdText, zipmapValue } from './values.js';
import type { RdbEncoding } from '../types.js';

export class JustKeysReport implements RdbReport {
  #out: ByteOut;
  #esc: EscapeMode;
  #key = '';

  constructor(out: ByteOut, escape: EscapeMode = 'raw') {
    this.#out = out;
    this.#esc = escape;
  }

  onRecord(rec: RdbRecord): void {
    if (rec.kind === 'key') {
      this.#key = escapeBytes(rec.key, this.#esc, true) + '\n';
      this.#out.ascii(this.#key);
    } else if (rec.kind === 'elements') {
      if (rec.elements.type === 'stream') return;
      const n = rec.elements.items.length;
      const out = this.#out;
      for (let i = 0; i < n; i++) out.ascii(this.#key);
    }
  }
}

export class JustKeyValsReport implements RdbReport {
  #out: ByteOut;
  #esc: EscapeMode;
  #rdbtoolsStreams: boolean;
  #firstKey = true;
  #index = 0;
  #rdbType = 0;
  #encoding: RdbEncoding = 'string';

  /** `rdbtoolsStreams`: a stream is just `key ` as in rdbtools. */
  constructor(out: ByteOut, escape: EscapeMode = 'raw', rdbtoolsStreams = false) {
    this.#out = out;
    this.#esc = escape;
    this.#rdbtoolsStreams = rdbtoolsStreams;
  }

  onRecord(rec: RdbRecord): void {
    const esc = this.#esc;
    const out = this.#out;
    if (rec.kind === 'key') {
      out.ascii(this.#firstKey ? '\r\n' : ',\r\n');
      this.#firstKey = false;
      this.#index = 0;
      this.#rdbType = rec.rdbType;
      this.#encoding = rec.encoding;
      writeEscaped(out, rec.key, esc, true);
      out.byte(0x20);
      if (rec.type === 'string') writeEscaped(out, rec.value ?? Buffer.alloc(0), esc);
    } else if (rec.kind === 'elements') {
      const el = rec.elements;
      if (el.type === 'stream' && this.#rdbtoolsStreams) return;
      let i = this.#index;
      switch (el.type) {
        case 'list':
        case 'set':
          for (const v of el.items) {
            if (i++ > 0) out.byte(0x2c);
            writeEscaped(out, v, esc);
          }
          break;
        case 'hash': {
          const zipmap = this.#rdbType === 9;
          for (const f of el.items) {
            if (i++ > 0) out.byte(0x2c);
            writeEscaped(out, f.field, esc, true);
            out.byte(0x20);
            writeEscaped(out, zipmap ? zipmapValue(f.value) : f.value, esc);
          }
          break;
        }
        case 'zset':
          for (const m of el.items) {
            const t = scoreText(m, this.#rdbType, this.#encoding);
            if (i++ > 0) out.byte(0x2c);
            writeEscaped(out, m.member, esc, true);
            out.ascii(' ' + (this.#rdbType === 3 ? escapeBytes(Buffer.from(t, 'latin1'), esc) : escapeAscii(t, esc)));
          }
          break;
        case 'stream': {
          let s = '';
          for (const e of el.items) {
            s += (i++ > 0 ? ',' : '') + streamIdText(e.id);
            for (const [f, v] of e.fields) s += ' ' + escapeBytes(f, esc, true) + ' ' + escapeBytes(v, esc);
          }
          out.ascii(s);
          break;
        }
      }
      this.#index = i;
    }
  }
}

/**
 * `rdb --command diff` (redis-rdb-tools' DiffCallback): one line per element, sortable and
 * diffable, CRLF line ends, default escape `print`.
 *
 *   db=0 str -> value
 *   db=0 h . field -> value
 *   db=0 s { member }
 *   db=0 l[0] -> item
 *   db=0 z -> {member, score=1.5}
 *   db=0 stream -> stream-items=4
 *   db=0 mod -> module-name=ReJSON-RL
 * Module AUX data (no key) is skipped: rdbtools crashes on it.
 */
import type { RdbEncoding, RdbRecord } from '../types.js';
import { escapeAscii, escapeBytes, type EscapeMode } from './escape.js';
import type { ByteOut, RdbReport } from './run.js';
import { scoreText, zipmapValue } from './values.js';

export class DiffReport implements RdbReport {
  #out: ByteOut;
  #esc: EscapeMode;
  #prefix = '';
  #index = 0;
  #rdbType = 0;
  #encoding: RdbEncoding = 'string';

  constructor(out: ByteOut, escape: EscapeMode = 'print') {
    this.#out = out;
    this.#esc = escape;
  }

  onRecord(rec: RdbRecord): void {
    const esc = this.#esc;
    switch (rec.kind) {
      case 'key':
        this.#prefix = 'db=' + rec.db + ' ' + escapeBytes(rec.key, esc, true);
        this.#index = 0;
        this.#rdbType = rec.rdbType;
        this.#encoding = rec.encoding;
        if (rec.type === 'string') this.#out.ascii(this.#prefix + ' -> ' + escapeBytes(rec.value ?? Buffer.alloc(0), esc) + '\r\n');
        else if (rec.type === 'module') this.#out.ascii(this.#prefix + ' -> module-name=' + (rec.module?.name ?? '') + '\r\n');
        return;
      case 'elements': {
        const p = this.#prefix;
        const el = rec.elements;
        let s = '';
        switch (el.type) {
          case 'list': {
            let i = this.#index;
            for (const v of el.items) s += p + '[' + i++ + '] -> ' + escapeBytes(v, esc) + '\r\n';
            this.#index = i;
            break;
          }
          case 'set':
            for (const v of el.items) s += p + ' { ' + escapeBytes(v, esc) + ' }\r\n';
            break;
          case 'hash': {
            const zipmap = this.#rdbType === 9;
            for (const f of el.items) s += p + ' . ' + escapeBytes(f.field, esc, true) + ' -> ' + escapeBytes(zipmap ? zipmapValue(f.value) : f.value, esc) + '\r\n';
            break;
          }
          case 'zset':
            for (const m of el.items) {
              const t = scoreText(m, this.#rdbType, this.#encoding);
              s += p + ' -> {' + escapeBytes(m.member, esc, true) + ', score=' + (this.#rdbType === 3 ? escapeBytes(Buffer.from(t, 'latin1'), esc) : escapeAscii(t, esc)) + '}\r\n';
            }
            break;
          case 'stream':
            break;
        }
        this.#out.ascii(s);
        return;
      }
      case 'key-end':
        if (rec.type === 'stream') this.#out.ascii(this.#prefix + ' -> stream-items=' + (rec.stream?.length ?? rec.info.count) + '\r\n');
        return;
      default:
        return;
    }
  }
}

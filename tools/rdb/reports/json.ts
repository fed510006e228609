/**
 * `rdb --command json`: redis-rdb-tools' JSONCallback, byte for byte.
 *
 *   [{\r\n"key":"value",\r\n"h":{"f":"v"},\r\n"l":["a","b"],\r\n"z":{"m":"1.5"}},{\r\n"k2":"x"}]
 *
 * One object per SELECTDB (also for databases the filters skip), keys separated by ",\r\n",
 * string keys/fields/members JSON-escaped with skip-printable, values with the escape mode
 * (default utf8), every score written as a string the way Python prints it.
 *
 * Deliberate difference: rdbtools writes a stream as `{}`; we write its content:
 *   "s":{"entries":[{"id":"1-0","fields":{"f":"v"}}],"length":1,"last_id":"1-0",
 *        "first_id":"1-0","max_deleted_entry_id":"0-0","entries_added":1,
 *        "groups":[{"name":"g","last_id":"1-0","entries_read":1,
 *                   "pending":[{"id":"1-0","delivery_time":1700000000000,"delivery_count":1}],
 *                   "consumers":[{"name":"c","seen_time":1700000000000,"pending":["1-0"]}]}]}
 * Module values stay `{}` (opaque); module AUX data is skipped (rdbtools crashes on it).
 */
import type { RdbEncoding, RdbRecord, StreamMeta } from '../types.js';
import { jsonQuote, jsonQuoteAscii, writeJsonQuoted, type EscapeMode } from './escape.js';
import type { ByteOut, RdbReport } from './run.js';
import { scoreText, streamIdText, zipmapValue } from './values.js';

const EMPTY = Buffer.alloc(0);

export class JsonReport implements RdbReport {
  #out: ByteOut;
  #esc: EscapeMode;
  #firstDb = true;
  #hasDb = false;
  #firstKeyInDb = true;
  #index = 0;
  #rdbType = 0;
  #encoding: RdbEncoding = 'string';

  #rdbtoolsStreams: boolean;

  /** `rdbtoolsStreams`: write streams as `{}` exactly like rdbtools (for scripts that diff). */
  constructor(out: ByteOut, escape: EscapeMode = 'utf8', rdbtoolsStreams = false) {
    this.#out = out;
    this.#esc = escape;
    this.#rdbtoolsStreams = rdbtoolsStreams;
  }

  onRecord(rec: RdbRecord): void {
    const out = this.#out;
    const esc = this.#esc;
    switch (rec.kind) {
      case 'header':
        out.ascii('[');
        return;
      case 'selectdb':
        if (!this.#firstDb) out.ascii('},');
        out.ascii('{');
        this.#firstDb = false;
        this.#hasDb = true;
        this.#firstKeyInDb = true;
        return;
      case 'key': {
        out.ascii(this.#firstKeyInDb ? '\r\n' : ',\r\n');
        this.#firstKeyInDb = false;
        this.#index = 0;
        this.#rdbType = rec.rdbType;
        this.#encoding = rec.encoding;
        writeJsonQuoted(out, rec.key, esc, true);
        switch (rec.type) {
          case 'string':
            out.byte(0x3a);
            writeJsonQuoted(out, rec.value ?? EMPTY, esc, false);
            break;
          case 'list':
          case 'set':
            out.ascii(':[');
            break;
          case 'stream':
            out.ascii(this.#rdbtoolsStreams ? ':{' : ':{"entries":[');
            break;
          default:
            out.ascii(':{');
        }
        return;
      }
      case 'elements': {
        const el = rec.elements;
        if (el.type === 'stream' && this.#rdbtoolsStreams) return;
        let i = this.#index;
        switch (el.type) {
          case 'list':
          case 'set':
            for (const v of el.items) {
              if (i++ > 0) out.byte(0x2c);
              writeJsonQuoted(out, v, esc, false);
            }
            break;
          case 'hash': {
            // Only zipmaps need Python's int() pass over values.
            const zipmap = this.#rdbType === 9;
            for (const f of el.items) {
              if (i++ > 0) out.byte(0x2c);
              writeJsonQuoted(out, f.field, esc, true);
              out.byte(0x3a);
              writeJsonQuoted(out, zipmap ? zipmapValue(f.value) : f.value, esc, false);
            }
            break;
          }
          case 'zset':
            for (const m of el.items) {
              if (i++ > 0) out.byte(0x2c);
              writeJsonQuoted(out, m.member, esc, true);
              out.byte(0x3a);
              out.ascii(scoreJson(scoreText(m, this.#rdbType, this.#encoding), m.scoreText, this.#rdbType, esc));
            }
            break;
          case 'stream': {
            let s = '';
            for (const e of el.items) {
              s += (i++ > 0 ? ',' : '') + '{"id":"' + streamIdText(e.id) + '","fields":{';
              for (let k = 0; k < e.fields.length; k++) {
                const [f, v] = e.fields[k]!;
                s += (k > 0 ? ',' : '') + jsonQuote(f, esc, true) + ':' + jsonQuote(v, esc);
              }
              s += '}}';
            }
            out.ascii(s);
            break;
          }
        }
        this.#index = i;
        return;
      }
      case 'key-end':
        switch (rec.type) {
          case 'string':
            return;
          case 'list':
          case 'set':
            out.ascii(']');
            return;
          case 'stream':
            out.ascii(this.#rdbtoolsStreams ? '}' : '],' + streamMetaJson(rec.stream, esc) + '}');
            return;
          default:
            out.ascii('}');
        }
        return;
      case 'eof':
        if (this.#hasDb) out.ascii('}');
        out.ascii(']');
        return;
      default:
        return;
    }
  }
}

function scoreJson(text: string, raw: string | undefined, rdbType: number, esc: EscapeMode): string {
  // zset v1 scores are bytes in rdbtools (escaped like any value); the others are numbers.
  if (rdbType === 3 && raw !== undefined) return jsonQuote(Buffer.from(raw, 'latin1'), esc);
  return jsonQuoteAscii(text, esc);
}

/** The stream's metadata and consumer groups, as JSON members (no braces). */
export function streamMetaJson(meta: StreamMeta | undefined, esc: EscapeMode): string {
  if (!meta) return '"length":0,"groups":[]';
  let s = '"length":' + meta.length + ',"last_id":"' + streamIdText(meta.lastId) + '"';
  if (meta.firstId) s += ',"first_id":"' + streamIdText(meta.firstId) + '"';
  if (meta.maxDeletedEntryId) s += ',"max_deleted_entry_id":"' + streamIdText(meta.maxDeletedEntryId) + '"';
  if (meta.entriesAdded !== undefined) s += ',"entries_added":' + meta.entriesAdded;
  s += ',"groups":[';
  meta.groups.forEach((g, gi) => {
    s += (gi > 0 ? ',' : '') + '{"name":' + jsonQuote(g.name, esc, true) + ',"last_id":"' + streamIdText(g.lastId) + '"';
    if (g.entriesRead !== undefined) s += ',"entries_read":' + g.entriesRead;
    s += ',"pending":[';
    g.pending.forEach((p, pi) => {
      s += (pi > 0 ? ',' : '') + '{"id":"' + streamIdText(p.id) + '","delivery_time":' + p.deliveryTimeMs + ',"delivery_count":' + p.deliveryCount + '}';
    });
    s += '],"consumers":[';
    g.consumers.forEach((c, ci) => {
      s += (ci > 0 ? ',' : '') + '{"name":' + jsonQuote(c.name, esc, true) + ',"seen_time":' + c.seenTimeMs;
      if (c.activeTimeMs !== undefined) s += ',"active_time":' + c.activeTimeMs;
      s += ',"pending":[' + c.pending.map((id) => '"' + streamIdText(id) + '"').join(',') + ']}';
    });
    s += ']}';
  });
  return s + ']';
}

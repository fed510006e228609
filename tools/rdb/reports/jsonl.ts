/**
 * `redkit rdb jsonl DUMP`: JSON Lines, one object per key (plus one per function library),
 * for jq and friends. Schema (fields in this order; `idle`/`freq` only when the dump has them):
 *
 *   {"db":0,"key":"user:1","type":"hash","encoding":"listpack","expiry":null,
 *    "value":[["name","Ann"],["age","42"]]}
 *   {"db":0,"key":"z","type":"zset","encoding":"skiplist","expiry":1700000000000,"idle":12,
 *    "value":[["a",1.5],["b","inf"]]}
 *
 * - `type`: string | list | set | zset | hash | stream | module (as TYPE names them);
 *   `encoding`: how the value is stored in the file (ziplist, listpack, quicklist2, intset, ...).
 * - `expiry`: absolute expiry in ms since the epoch, or null.
 * - `value`: string -> bytes; list / set -> [bytes...] in file order; hash -> [[field, value]]
 *   or [field, value, fieldExpiryMs] for fields with a TTL; zset -> [[member, score]] with score
 *   a JSON number, or "inf" / "-inf" / "nan"; stream -> {"entries":[{"id":"1-0","fields":
 *   [[f, v]]}], "length", "last_id", "first_id", "max_deleted_entry_id", "entries_added",
 *   "groups":[{"name","last_id","entries_read","pending":[{"id","delivery_time",
 *   "delivery_count"}],"consumers":[{"name","seen_time","active_time","pending":[id]}]}]};
 *   module -> {"module":"ReJSON-RL","version":0} (payload is opaque).
 * - A function library is a line {"function":"#!lua name=mylib\n..."}.
 *
 * Bytes (keys, values, fields, members, names) are binary-safe: bytes that are valid UTF-8 are
 * a JSON string (UTF-8 in the output; `"`, `\` and control characters escaped as JSON requires);
 * anything else is an object {"base64":"..."} with the standard base64 of the exact bytes.
 */
import type { RdbRecord, StreamMeta } from '../types.js';
import { JSON_CLASS, latin1, type ByteSink } from './escape.js';
import type { ByteOut, RdbReport } from './run.js';
import { streamIdText } from './values.js';

const SAFE_ASCII = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;
const NEEDS_ESCAPE = /[\x00-\x1f"\\]/g;
const isUtf8 = (Buffer as unknown as { isUtf8?: (b: Uint8Array) => boolean }).isUtf8;

function escapeChar(c: string): string {
  switch (c) {
    case '"':
      return '\\"';
    case '\\':
      return '\\\\';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
  }
  return '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
}

/** A binary-safe JSON value for bytes, as a byte string (UTF-8 passes through). */
export function jsonBytes(b: Buffer): string {
  const s = latin1(b);
  if (!SAFE_ASCII.test(s)) return '"' + s + '"';
  const utf8 = isUtf8 ? isUtf8(b) : Buffer.from(b.toString('utf8'), 'utf8').equals(b);
  if (!utf8) return '{"base64":"' + b.toString('base64') + '"}';
  return '"' + s.replace(NEEDS_ESCAPE, escapeChar) + '"';
}

const HEX = '0123456789abcdef';

/** Appends `jsonBytes(b)` to `out` without building strings. */
export function writeJsonBytes(out: ByteSink, b: Buffer): void {
  const n = b.length;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const t = JSON_CLASS[b[i]!]!;
    if (t > worst) {
      worst = t;
      if (t === 2) break;
    }
  }
  if (worst === 2 && !(isUtf8 ? isUtf8(b) : Buffer.from(b.toString('utf8'), 'utf8').equals(b))) {
    out.ascii('{"base64":"' + b.toString('base64') + '"}');
    return;
  }
  out.reserve(6 * n + 2);
  const buf = out.buf;
  let p = out.pos;
  buf[p++] = 0x22;
  if (worst === 0) {
    if (n < 32) for (let i = 0; i < n; i++) buf[p++] = b[i]!;
    else {
      buf.set(b, p);
      p += n;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const c = b[i]!;
      if (c === 0x22 || c === 0x5c) {
        buf[p++] = 0x5c;
        buf[p++] = c;
      } else if (c < 0x20) {
        buf[p++] = 0x5c;
        if (c === 0x0a) buf[p++] = 0x6e;
        else if (c === 0x0d) buf[p++] = 0x72;
        else if (c === 0x09) buf[p++] = 0x74;
        else {
          buf[p++] = 0x75;
          buf[p++] = 0x30;
          buf[p++] = 0x30;
          buf[p++] = HEX.charCodeAt(c >> 4);
          buf[p++] = HEX.charCodeAt(c & 15);
        }
      } else {
        buf[p++] = c;
      }
    }
  }
  buf[p++] = 0x22;
  out.pos = p;
}

function jsonScore(x: number): string {
  if (Number.isNaN(x)) return '"nan"';
  if (x === Infinity) return '"inf"';
  if (x === -Infinity) return '"-inf"';
  return Object.is(x, -0) ? '-0' : String(x);
}

export class JsonlReport implements RdbReport {
  #out: ByteOut;
  #first = true;

  constructor(out: ByteOut) {
    this.#out = out;
  }

  onRecord(rec: RdbRecord): void {
    const out = this.#out;
    switch (rec.kind) {
      case 'function':
        out.ascii('{"function":' + jsonBytes(rec.code) + '}\n');
        return;
      case 'key': {
        out.ascii('{"db":' + rec.db + ',"key":');
        writeJsonBytes(out, rec.key);
        let s = ',"type":"' + rec.type + '","encoding":"' + rec.encoding + '","expiry":' + (rec.expireMs === null ? 'null' : String(rec.expireMs));
        if (rec.idle !== undefined) s += ',"idle":' + rec.idle;
        if (rec.freq !== undefined) s += ',"freq":' + rec.freq;
        s += ',"value":';
        switch (rec.type) {
          case 'string':
            out.ascii(s);
            writeJsonBytes(out, rec.value ?? Buffer.alloc(0));
            s = '';
            break;
          case 'stream':
            s += '{"entries":[';
            break;
          case 'module':
            s += '{"module":"' + (rec.module?.name ?? '') + '","version":' + (rec.module?.version ?? 0) + '}';
            break;
          default:
            s += '[';
        }
        if (s) out.ascii(s);
        this.#first = true;
        return;
      }
      case 'elements': {
        const el = rec.elements;
        let first = this.#first;
        switch (el.type) {
          case 'list':
          case 'set':
            for (const v of el.items) {
              if (!first) out.byte(0x2c);
              writeJsonBytes(out, v);
              first = false;
            }
            break;
          case 'hash':
            for (const f of el.items) {
              out.ascii(first ? '[' : ',[');
              writeJsonBytes(out, f.field);
              out.byte(0x2c);
              writeJsonBytes(out, f.value);
              if (f.expireMs !== undefined) out.ascii(',' + f.expireMs);
              out.byte(0x5d);
              first = false;
            }
            break;
          case 'zset':
            for (const m of el.items) {
              out.ascii(first ? '[' : ',[');
              writeJsonBytes(out, m.member);
              out.ascii(',' + jsonScore(m.score) + ']');
              first = false;
            }
            break;
          case 'stream':
            for (const e of el.items) {
              out.ascii((first ? '' : ',') + '{"id":"' + streamIdText(e.id) + '","fields":[');
              for (let k = 0; k < e.fields.length; k++) {
                const [f, v] = e.fields[k]!;
                out.ascii(k > 0 ? ',[' : '[');
                writeJsonBytes(out, f);
                out.byte(0x2c);
                writeJsonBytes(out, v);
                out.byte(0x5d);
              }
              out.ascii(']}');
              first = false;
            }
            break;
        }
        this.#first = first;
        return;
      }
      case 'key-end':
        switch (rec.type) {
          case 'string':
          case 'module':
            out.ascii('}\n');
            return;
          case 'stream':
            out.ascii('],' + streamMetaJsonl(rec.stream) + '}}\n');
            return;
          default:
            out.ascii(']}\n');
        }
        return;
      default:
        return;
    }
  }
}

function streamMetaJsonl(meta: StreamMeta | undefined): string {
  if (!meta) return '"length":0,"groups":[]';
  let s = '"length":' + meta.length + ',"last_id":"' + streamIdText(meta.lastId) + '"';
  if (meta.firstId) s += ',"first_id":"' + streamIdText(meta.firstId) + '"';
  if (meta.maxDeletedEntryId) s += ',"max_deleted_entry_id":"' + streamIdText(meta.maxDeletedEntryId) + '"';
  if (meta.entriesAdded !== undefined) s += ',"entries_added":' + meta.entriesAdded;
  s += ',"groups":[';
  meta.groups.forEach((g, gi) => {
    s += (gi > 0 ? ',' : '') + '{"name":' + jsonBytes(g.name) + ',"last_id":"' + streamIdText(g.lastId) + '"';
    if (g.entriesRead !== undefined) s += ',"entries_read":' + g.entriesRead;
    s += ',"pending":[' + g.pending.map((p) => '{"id":"' + streamIdText(p.id) + '","delivery_time":' + p.deliveryTimeMs + ',"delivery_count":' + p.deliveryCount + '}').join(',');
    s += '],"consumers":[';
    g.consumers.forEach((c, ci) => {
      s += (ci > 0 ? ',' : '') + '{"name":' + jsonBytes(c.name) + ',"seen_time":' + c.seenTimeMs;
      if (c.activeTimeMs !== undefined) s += ',"active_time":' + c.activeTimeMs;
      s += ',"pending":[' + c.pending.map((id) => '"' + streamIdText(id) + '"').join(',') + ']}';
    });
    s += ']}';
  });
  return s + ']';
}

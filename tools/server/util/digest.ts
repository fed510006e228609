/**
 * DEBUG DIGEST and DEBUG DIGEST-VALUE with Redis 7.0's algorithm (debug.c), so a dataset held by
 * this server and by redis-server give the same 40 hex digits and two servers' datasets can be
 * compared in one command.
 *
 * Two SHA1 folds: xor (order-free: digest ^= SHA1(data), for set members, hash fields, sorted
 * set elements and the keys of a db) and mix (ordered: digest = SHA1(digest ^ SHA1(data)), for
 * list elements, stream entries and each part of an element). A key's digest mixes the key, the
 * big-endian type id, the value, and xors "!!expire!!" when the key has a TTL; sorted-set scores
 * enter as "%.17g" text and stream IDs as "ms.seq". Stream consumer groups are not part of it,
 * as in Redis.
 */
import { createHash } from 'node:crypto';
import { formatDouble } from '../../resp/index.js';
import { stringOf, typeOf, type Db, type RedisType, type Value } from '../db.js';

/** Redis's OBJ_* type ids. */
const TYPE_IDS: Record<RedisType, number> = { string: 0, list: 1, set: 2, zset: 3, hash: 4, module: 5, stream: 6 };

function sha1(data: Uint8Array): Buffer {
  return createHash('sha1').update(data).digest();
}

function bytes(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

function xorDigest(digest: Buffer, data: Uint8Array): void {
  const h = sha1(data);
  for (let i = 0; i < 20; i++) digest[i]! ^= h[i]!;
}

function mixDigest(digest: Buffer, data: Uint8Array): void {
  xorDigest(digest, data);
  sha1(digest).copy(digest);
}

interface Iterables {
  [Symbol.iterator]?: () => Iterator<string>;
  map?: Map<string, string>;
  entries?: () => Iterable<[string, number]>;
  range?: () => Iterable<{ id: bigint; fields: string[] }>;
}

/** xorObjectDigest: folds the value at `key` (type, content, TTL marker) into `digest`. */
function xorObjectDigest(db: Db, key: string, digest: Buffer, v: Value): void {
  const aux = Buffer.alloc(4);
  aux.writeUInt32BE(TYPE_IDS[typeOf(v)]);
  mixDigest(digest, aux);
  const s = stringOf(v);
  const o = v as unknown as Iterables;
  const ele = Buffer.alloc(20);
  if (s !== undefined) mixDigest(digest, bytes(s));
  else {
    switch (typeOf(v)) {
      case 'list':
        for (const e of o as Iterable<string>) mixDigest(digest, bytes(e));
        break;
      case 'set':
        for (const m of o as Iterable<string>) xorDigest(digest, bytes(m));
        break;
      case 'zset':
        for (const [m, score] of o.entries!()) {
          ele.fill(0);
          mixDigest(ele, bytes(m));
          mixDigest(ele, bytes(formatDouble(score)));
          xorDigest(digest, ele);
        }
        break;
      case 'hash':
        for (const [f, val] of o.map!) {
          ele.fill(0);
          mixDigest(ele, bytes(f));
          mixDigest(ele, bytes(val));
          xorDigest(digest, ele);
        }
        break;
      case 'stream':
        for (const e of o.range!()) {
          mixDigest(digest, bytes(`${e.id >> 64n}.${e.id & 0xffffffffffffffffn}`));
          for (const f of e.fields) mixDigest(digest, bytes(f));
        }
        break;
    }
  }
  if (db.getExpire(key) !== undefined) xorDigest(digest, bytes('!!expire!!'));
}

/** DEBUG DIGEST-VALUE for one key: 40 hex digits, zeros when the key is not in the dict. */
export function valueDigest(db: Db, key: string): string {
  const digest = Buffer.alloc(20);
  const v = db.get(key);
  if (v !== undefined) xorObjectDigest(db, key, digest, v);
  return digest.toString('hex');
}

/** DEBUG DIGEST: every db's keys (logically expired ones still in the dict included, as Redis). */
export function datasetDigest(dbs: readonly Db[]): string {
  const final = Buffer.alloc(20);
  const digest = Buffer.alloc(20);
  const aux = Buffer.alloc(4);
  for (const db of dbs) {
    if (db.size === 0) continue;
    aux.writeUInt32BE(db.id);
    mixDigest(final, aux);
    for (const [k, v] of db.entries()) {
      digest.fill(0);
      mixDigest(digest, bytes(k));
      xorObjectDigest(db, k, digest, v);
      xorDigest(final, digest);
    }
  }
  return final.toString('hex');
}

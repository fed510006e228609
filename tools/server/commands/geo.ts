/**
 * Geo commands (Redis geo.c): GEOADD, GEOPOS, GEODIST, GEOHASH, GEORADIUS[_RO],
 * GEORADIUSBYMEMBER[_RO], GEOSEARCH, GEOSEARCHSTORE. A geo set is a sorted set (the
 * collections family's ZSetValue) scored with 52-bit geohashes; GEOADD runs ZADD like Redis.
 */
import type { CommandContext, CommandSpec } from '../command.js';
import type { RedisValue } from '../db.js';
import { ZSetValue } from '../types/zset.js';
import { commands as zsetCommands, zsetLimits } from './zset.js';
import {
  GEO_LAT_MAX,
  GEO_LAT_MIN,
  GEO_LONG_MAX,
  GEO_LONG_MIN,
  align52,
  decodeScore,
  distance,
  encodeWGS84,
  geohashString,
  searchAreas,
  withinShape,
  type GeoHashBits,
  type GeoShape,
} from '../types/geohash.js';
import { parseDouble, parseLongLong } from '../util/parse.js';

const zaddSpec = zsetCommands.find((s) => s.name === 'zadd')!;

/** "%f" of C. */
function cfmt(n: number): string {
  return Number.isFinite(n) ? n.toFixed(6) : n > 0 ? 'inf' : n < 0 ? '-inf' : 'nan';
}

function parseDoubleOrReply(c: CommandContext, s: string, msg?: string): number | null {
  const v = parseDouble(s);
  if (v === null || Number.isNaN(v)) {
    c.reply.error(msg ? `ERR ${msg}` : 'ERR value is not a valid float');
    return null;
  }
  return v;
}

/** extractLongLatOrReply */
function parseLonLat(c: CommandContext, lonS: string, latS: string): [number, number] | null {
  const lon = parseDoubleOrReply(c, lonS);
  if (lon === null) return null;
  const lat = parseDoubleOrReply(c, latS);
  if (lat === null) return null;
  if (lon < GEO_LONG_MIN || lon > GEO_LONG_MAX || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX) {
    c.reply.error(`ERR invalid longitude,latitude pair ${cfmt(lon)},${cfmt(lat)}`);
    return null;
  }
  return [lon, lat];
}

function unitOrReply(c: CommandContext, u: string): number {
  switch (u.toLowerCase()) {
    case 'm':
      return 1;
    case 'km':
      return 1000;
    case 'ft':
      return 0.3048;
    case 'mi':
      return 1609.34;
    default:
      c.reply.error('ERR unsupported unit provided. please use M, KM, FT, MI');
      return -1;
  }
}

/** llrint: round half to even. */
function llrint(x: number): number {
  const r = Math.round(x);
  if (Math.abs(x - Math.trunc(x)) === 0.5) return 2 * Math.round(x / 2);
  return r;
}

/** fixedpoint_d2string(d, 4): the distance format of GEODIST / WITHDIST. */
export function formatDistance(d: number): string {
  if (d === 0) return '0.0000';
  const sv = llrint(d * 10000);
  const neg = sv < 0;
  let digits = String(Math.abs(sv));
  if (digits.length < 5) digits = digits.padStart(5, '0');
  const out = `${digits.slice(0, -4)}.${digits.slice(-4)}`;
  return neg ? `-${out}` : out;
}

/** addReplyHumanLongDouble: "%.17Lf" with trailing zeros (and dot) removed. */
function humanDouble(n: number): string {
  let s = n.toFixed(17);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  if (s === '-0') s = '0';
  return s;
}

function replyCoord(c: CommandContext, n: number): void {
  if (c.client.resp === 3) c.reply.double(n, humanDouble(n));
  else c.reply.bulk(humanDouble(n));
}

function lookupZset(c: CommandContext, key: string): ZSetValue | undefined | null {
  return c.lookup<ZSetValue>(key, 'zset', false);
}

// ---------------------------------------------------------------------------------------------

function geoadd(c: CommandContext, argv: string[]): void {
  let xx = false;
  let nx = false;
  let longidx = 2;
  while (longidx < argv.length) {
    const o = argv[longidx]!.toLowerCase();
    if (o === 'nx') nx = true;
    else if (o === 'xx') xx = true;
    else if (o === 'ch') {
      /* handled by ZADD */
    } else break;
    longidx++;
  }
  if ((argv.length - longidx) % 3 || (xx && nx)) {
    c.syntaxError();
    return;
  }
  const zargv = ['zadd', ...argv.slice(1, longidx)];
  for (let i = longidx; i < argv.length; i += 3) {
    const xy = parseLonLat(c, argv[i]!, argv[i + 1]!);
    if (!xy) return;
    const h = encodeWGS84(xy[0], xy[1])!;
    zargv.push(String(align52(h)), argv[i + 2]!);
  }
  zaddSpec.handler(c, zargv);
}

function geopos(c: CommandContext, argv: string[]): void {
  const z = lookupZset(c, argv[1]!);
  if (z === null) return;
  c.reply.arrayHeader(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const score = z?.score(argv[j]!);
    const xy = score === undefined ? null : decodeScore(score);
    if (!xy) {
      c.reply.nullArray();
      continue;
    }
    c.reply.arrayHeader(2);
    replyCoord(c, xy[0]);
    replyCoord(c, xy[1]);
  }
}

function geodist(c: CommandContext, argv: string[]): void {
  let toMeter = 1;
  if (argv.length === 5) {
    toMeter = unitOrReply(c, argv[4]!);
    if (toMeter < 0) return;
  } else if (argv.length > 5) {
    c.syntaxError();
    return;
  }
  const z = lookupZset(c, argv[1]!);
  if (z === null) return;
  if (z === undefined) {
    c.reply.nullBulk();
    return;
  }
  const s1 = z.score(argv[2]!);
  const s2 = z.score(argv[3]!);
  if (s1 === undefined || s2 === undefined) {
    c.reply.nullBulk();
    return;
  }
  const a = decodeScore(s1);
  const b = decodeScore(s2);
  if (!a || !b) {
    c.reply.nullBulk();
    return;
  }
  c.reply.bulk(formatDistance(distance(a[0], a[1], b[0], b[1]) / toMeter));
}

function geohash(c: CommandContext, argv: string[]): void {
  const z = lookupZset(c, argv[1]!);
  if (z === null) return;
  c.reply.arrayHeader(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const score = z?.score(argv[j]!);
    const h = score === undefined ? null : geohashString(score);
    if (h === null) c.reply.nullBulk();
    else c.reply.bulk(h);
  }
}

// GEORADIUS / GEOSEARCH -------------------------------------------------------------------------

const RADIUS_COORDS = 1;
const RADIUS_MEMBER = 2;
const RADIUS_NOSTORE = 4;
const GEOSEARCH = 8;
const GEOSEARCHSTORE = 16;

interface GeoPoint {
  lon: number;
  lat: number;
  dist: number;
  score: number;
  member: string;
}

/** geoGetPointsInRange over [min, max) of the sorted set. */
function pointsInRange(z: ZSetValue, min: number, max: number, shape: GeoShape, out: GeoPoint[], limit: number): void {
  let node = z.zsl.firstInRange({ min, max, minex: false, maxex: true });
  while (node) {
    if (!(node.score < max)) break;
    const xy = decodeScore(node.score);
    if (xy) {
      const d = withinShape(shape, xy[0], xy[1]);
      if (d !== null) out.push({ lon: xy[0], lat: xy[1], dist: d, score: node.score, member: node.ele });
    }
    if (out.length && limit && out.length >= limit) break;
    node = node.forward[0] ?? null;
  }
}

function membersOfAllNeighbors(z: ZSetValue, areas: GeoHashBits[], shape: GeoShape, limit: number): GeoPoint[] {
  const out: GeoPoint[] = [];
  let last = -1;
  for (let i = 0; i < areas.length; i++) {
    const h = areas[i]!;
    if (h.bits === 0 && h.step === 0) continue;
    if (last > 0 && h.bits === areas[last]!.bits && h.step === areas[last]!.step) continue;
    if (out.length && limit && out.length >= limit) break;
    const min = align52(h);
    const max = align52({ bits: h.bits + 1, step: h.step });
    pointsInRange(z, min, max, shape, out, limit);
    last = i;
  }
  return out;
}

function georadiusGeneric(c: CommandContext, argv: string[], srcKeyIndex: number, flags: number): void {
  let storekey: string | null = null;
  let storedist = false;
  const z = lookupZset(c, argv[srcKeyIndex]!);
  if (z === null) return;
  let baseArgs: number;
  let lon = 0;
  let lat = 0;
  let radius = 0;
  let conversion = 1;
  let width = 0;
  let height = 0;
  let type: 'circle' | 'box' = 'circle';

  const extractDistance = (i: number): boolean => {
    const d = parseDoubleOrReply(c, argv[i]!, 'need numeric radius');
    if (d === null) return false;
    if (d < 0) {
      c.reply.error('ERR radius cannot be negative');
      return false;
    }
    const conv = unitOrReply(c, argv[i + 1]!);
    if (conv < 0) return false;
    radius = d;
    conversion = conv;
    return true;
  };

  if (flags & RADIUS_COORDS) {
    baseArgs = 6;
    const xy = parseLonLat(c, argv[2]!, argv[3]!);
    if (!xy) return;
    [lon, lat] = xy;
    if (!extractDistance(4)) return;
  } else if (flags & RADIUS_MEMBER && !z) {
    baseArgs = 5;
  } else if (flags & RADIUS_MEMBER) {
    baseArgs = 5;
    const score = z!.score(argv[2]!);
    const xy = score === undefined ? null : decodeScore(score);
    if (!xy) {
      c.reply.error('ERR could not decode requested zset member');
      return;
    }
    [lon, lat] = xy;
    if (!extractDistance(3)) return;
  } else if (flags & GEOSEARCH) {
    baseArgs = 2;
    if (flags & GEOSEARCHSTORE) {
      baseArgs = 3;
      storekey = argv[1]!;
    }
  } else {
    c.reply.error('ERR Unknown georadius search type');
    return;
  }

  let withdist = false;
  let withhash = false;
  let withcoords = false;
  let frommember = false;
  let fromloc = false;
  let byradius = false;
  let bybox = false;
  let sort: 'none' | 'asc' | 'desc' = 'none';
  let any = false;
  let count = 0;
  const remaining = argv.length - baseArgs;
  for (let i = 0; i < remaining; i++) {
    const arg = argv[baseArgs + i]!.toLowerCase();
    if (arg === 'withdist') withdist = true;
    else if (arg === 'withhash') withhash = true;
    else if (arg === 'withcoord') withcoords = true;
    else if (arg === 'any') any = true;
    else if (arg === 'asc') sort = 'asc';
    else if (arg === 'desc') sort = 'desc';
    else if (arg === 'count' && i + 1 < remaining) {
      const v = parseLongLong(argv[baseArgs + i + 1]!);
      if (v === null) {
        c.reply.error('ERR value is not an integer or out of range');
        return;
      }
      if (v <= 0n) {
        c.reply.error('ERR COUNT must be > 0');
        return;
      }
      count = Number(v);
      i++;
    } else if ((arg === 'store' || arg === 'storedist') && i + 1 < remaining && !(flags & RADIUS_NOSTORE) && !(flags & GEOSEARCH)) {
      storekey = argv[baseArgs + i + 1]!;
      storedist = arg === 'storedist';
      i++;
    } else if (arg === 'storedist' && flags & GEOSEARCH && flags & GEOSEARCHSTORE) {
      storedist = true;
    } else if (arg === 'frommember' && i + 1 < remaining && flags & GEOSEARCH && !fromloc) {
      if (!z) {
        frommember = true;
        i++;
        continue;
      }
      const score = z.score(argv[baseArgs + i + 1]!);
      const xy = score === undefined ? null : decodeScore(score);
      if (!xy) {
        c.reply.error('ERR could not decode requested zset member');
        return;
      }
      [lon, lat] = xy;
      frommember = true;
      i++;
    } else if (arg === 'fromlonlat' && i + 2 < remaining && flags & GEOSEARCH && !frommember) {
      const xy = parseLonLat(c, argv[baseArgs + i + 1]!, argv[baseArgs + i + 2]!);
      if (!xy) return;
      [lon, lat] = xy;
      fromloc = true;
      i += 2;
    } else if (arg === 'byradius' && i + 2 < remaining && flags & GEOSEARCH && !bybox) {
      if (!extractDistance(baseArgs + i + 1)) return;
      type = 'circle';
      byradius = true;
      i += 2;
    } else if (arg === 'bybox' && i + 3 < remaining && flags & GEOSEARCH && !byradius) {
      const w = parseDoubleOrReply(c, argv[baseArgs + i + 1]!, 'need numeric width');
      if (w === null) return;
      const h = parseDoubleOrReply(c, argv[baseArgs + i + 2]!, 'need numeric height');
      if (h === null) return;
      if (h < 0 || w < 0) {
        c.reply.error('ERR height or width cannot be negative');
        return;
      }
      const conv = unitOrReply(c, argv[baseArgs + i + 3]!);
      if (conv < 0) return;
      width = w;
      height = h;
      conversion = conv;
      type = 'box';
      bybox = true;
      i += 3;
    } else {
      c.syntaxError();
      return;
    }
  }

  if (storekey !== null && (withdist || withhash || withcoords)) {
    c.reply.error(
      `ERR ${flags & GEOSEARCHSTORE ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS'} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`,
    );
    return;
  }
  if (flags & GEOSEARCH && !(frommember || fromloc)) {
    c.reply.error(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${argv[0]}`);
    return;
  }
  if (flags & GEOSEARCH && !(byradius || bybox)) {
    c.reply.error(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${argv[0]}`);
    return;
  }
  if (any && !count) {
    c.reply.error('ERR the ANY argument requires COUNT argument');
    return;
  }
  if (!z) {
    if (storekey !== null) {
      if (c.db.delete(storekey)) {
        c.signalModified(storekey);
        c.notify('generic', 'del', storekey);
      }
      c.reply.integer(0);
    } else c.reply.arrayHeader(0);
    return;
  }
  if (count !== 0 && sort === 'none' && !any) sort = 'asc';

  const shape: GeoShape =
    type === 'circle' ? { type, lon, lat, radius, conversion } : { type, lon, lat, width, height, conversion };
  const points = membersOfAllNeighbors(z, searchAreas(shape), shape, any ? count : 0);
  if (points.length === 0 && storekey === null) {
    c.reply.arrayHeader(0);
    return;
  }
  const returned = count === 0 || points.length < count ? points.length : count;
  if (sort === 'asc') points.sort((a, b) => a.dist - b.dist);
  else if (sort === 'desc') points.sort((a, b) => b.dist - a.dist);

  if (storekey === null) {
    const optionLength = (withdist ? 1 : 0) + (withcoords ? 1 : 0) + (withhash ? 1 : 0);
    c.reply.arrayHeader(returned);
    for (let i = 0; i < returned; i++) {
      const gp = points[i]!;
      const dist = gp.dist / conversion;
      if (optionLength) c.reply.arrayHeader(optionLength + 1);
      c.reply.bulk(gp.member);
      if (withdist) c.reply.bulk(formatDistance(dist));
      if (withhash) c.reply.integer(gp.score);
      if (withcoords) {
        c.reply.arrayHeader(2);
        replyCoord(c, gp.lon);
        replyCoord(c, gp.lat);
      }
    }
    return;
  }
  if (returned) {
    const limits = zsetLimits(c);
    let maxlen = 0;
    for (let i = 0; i < returned; i++) maxlen = Math.max(maxlen, points[i]!.member.length);
    const dst = new ZSetValue(limits, returned, maxlen);
    for (let i = 0; i < returned; i++) {
      const gp = points[i]!;
      dst.set(gp.member, storedist ? gp.dist / conversion : gp.score, limits);
    }
    c.db.set(storekey, dst as unknown as RedisValue);
    c.signalModified(storekey);
    c.notify('zset', flags & GEOSEARCH ? 'geosearchstore' : 'georadiusstore', storekey);
    c.addDirty(returned - 1);
  } else if (c.db.delete(storekey)) {
    c.signalModified(storekey);
    c.notify('generic', 'del', storekey);
  }
  c.reply.integer(returned);
}

/** Keys of GEORADIUS ... STORE/STOREDIST key (the destination is a key too). */
function georadiusKeys(argv: string[]): number[] {
  const out = [1];
  for (let i = 5; i < argv.length - 1; i++) {
    const a = argv[i]!.toLowerCase();
    if (a === 'store' || a === 'storedist') {
      out.push(i + 1);
      i++;
    }
  }
  return out;
}

const k1 = { firstKey: 1, lastKey: 1, keyStep: 1 };
const G = 'geo';

export const commands = [
  { name: 'geoadd', arity: -5, flags: ['write', 'denyoom'], ...k1, group: G, since: '3.2.0', handler: geoadd },
  { name: 'geopos', arity: -2, flags: ['readonly'], ...k1, group: G, since: '3.2.0', handler: geopos },
  { name: 'geodist', arity: -4, flags: ['readonly'], ...k1, group: G, since: '3.2.0', handler: geodist },
  { name: 'geohash', arity: -2, flags: ['readonly'], ...k1, group: G, since: '3.2.0', handler: geohash },
  {
    name: 'georadius', arity: -6, flags: ['write', 'denyoom'], ...k1, getKeys: georadiusKeys, group: G, since: '3.2.0',
    handler: (c, a) => georadiusGeneric(c, a, 1, RADIUS_COORDS),
  },
  {
    name: 'georadiusbymember', arity: -5, flags: ['write', 'denyoom'], ...k1, getKeys: georadiusKeys, group: G, since: '3.2.0',
    handler: (c, a) => georadiusGeneric(c, a, 1, RADIUS_MEMBER),
  },
  { name: 'georadius_ro', arity: -6, flags: ['readonly'], ...k1, group: G, since: '3.2.10', handler: (c, a) => georadiusGeneric(c, a, 1, RADIUS_COORDS | RADIUS_NOSTORE) },
  { name: 'georadiusbymember_ro', arity: -5, flags: ['readonly'], ...k1, group: G, since: '3.2.10', handler: (c, a) => georadiusGeneric(c, a, 1, RADIUS_MEMBER | RADIUS_NOSTORE) },
  { name: 'geosearch', arity: -7, flags: ['readonly'], ...k1, group: G, since: '6.2.0', handler: (c, a) => georadiusGeneric(c, a, 1, GEOSEARCH) },
  {
    name: 'geosearchstore', arity: -8, flags: ['write', 'denyoom'], firstKey: 1, lastKey: 2, keyStep: 1, group: G, since: '6.2.0',
    handler: (c, a) => georadiusGeneric(c, a, 2, GEOSEARCH | GEOSEARCHSTORE),
  },
] satisfies CommandSpec[];

/**
 * Geo: geohash math unit tests, commands over TCP, and a seeded differential run against real
 * redis-server (scores, positions, distances, search results in Redis's order, STORE).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type ServerHandle } from '../../tools/server/server.js';
import { align52, decodeScore, deinterleave, encodeWGS84, interleave } from '../../tools/server/types/geohash.js';
import { formatDistance } from '../../tools/server/commands/geo.js';
import { haveRealRedis, type RealRedis } from '../helpers/real-redis.js';
import { run, resp3Lines, useServerPair } from '../helpers/differential.js';
import { rng } from '../helpers/rng.js';

describe('geohash math', () => {
  it('interleaves and encodes like Redis', () => {
    expect(deinterleave(interleave(12345, 67890))).toEqual([12345, 67890]);
    expect(deinterleave(interleave(2 ** 26 - 1, 2 ** 26 - 1))).toEqual([2 ** 26 - 1, 2 ** 26 - 1]);
    // Palermo's score as real Redis stores it.
    expect(align52(encodeWGS84(13.361389, 38.115556)!)).toBe(3479099956230698);
    const [lon, lat] = decodeScore(3479099956230698)!;
    expect(lon).toBeCloseTo(13.361389, 5);
    expect(lat).toBeCloseTo(38.115556, 5);
  });
  it('formats distances like fixedpoint_d2string', () => {
    expect(formatDistance(0)).toBe('0.0000');
    expect(formatDistance(166274.15156960033)).toBe('166274.1516');
    expect(formatDistance(0.00049)).toBe('0.0005');
  });
});

describe('geo commands over TCP', () => {
  let srv: ServerHandle;
  let r: Redis;
  beforeAll(async () => {
    srv = await startServer({ port: 0 });
    r = new Redis({ port: srv.port, host: '127.0.0.1' });
  });
  afterAll(async () => {
    r.disconnect();
    await srv.close();
  });

  it('GEOADD / GEODIST / GEOPOS / GEOHASH / GEOSEARCH and errors', async () => {
    await r.del('Sicily');
    expect(await r.geoadd('Sicily', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania')).toBe(2);
    expect(await r.geodist('Sicily', 'Palermo', 'Catania', 'KM')).toBe('166.2742');
    expect(await r.geohash('Sicily', 'Palermo', 'nope')).toEqual(['sqc8b49rny0', null]);
    expect(await r.geopos('Sicily', 'Palermo')).toEqual([['13.36138933897018433', '38.11555639549629859']]);
    expect(await r.call('geosearch', 'Sicily', 'FROMLONLAT', 15, 37, 'BYRADIUS', 200, 'km', 'ASC', 'WITHDIST')).toEqual([
      ['Catania', '56.4413'],
      ['Palermo', '190.4424'],
    ]);
    expect(await run(r, ['geoadd', 'Sicily', 200, 100, 'x'])).toBe('ERR:ERR invalid longitude,latitude pair 200.000000,100.000000');
    expect(await run(r, ['geosearch', 'Sicily', 'BYRADIUS', 10, 'km', 'ASC', 'WITHDIST'])).toBe(
      'ERR:ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearch',
    );
    expect(await run(r, ['geodist', 'Sicily', 'Palermo', 'Catania', 'parsecs'])).toBe(
      'ERR:ERR unsupported unit provided. please use M, KM, FT, MI',
    );
  });
});

describe.skipIf(!haveRealRedis())('geo: differential against real redis-server', () => {
  const pair = useServerPair();
  let a: Redis;
  let b: Redis;
  beforeAll(() => ({ ours: a, theirs: b } = pair));

  it('same scores, positions and search results for random points', async () => {
    const rand = rng(42);
    const cmds: (string | number)[][] = [['del', 'pts', 'dst']];
    const add: (string | number)[] = ['geoadd', 'pts'];
    for (let i = 0; i < 400; i++) {
      const lon = 10 + rand() * 4;
      const lat = 40 + rand() * 3;
      add.push(lon.toFixed(6), lat.toFixed(6), `p${i}`);
    }
    cmds.push(add, ['zrange', 'pts', 0, -1, 'WITHSCORES'], ['geopos', 'pts', 'p0', 'p1', 'p399', 'none'], ['geohash', 'pts', 'p5', 'p6']);
    for (let i = 0; i < 25; i++) {
      const lon = (10 + rand() * 4).toFixed(4);
      const lat = (40 + rand() * 3).toFixed(4);
      const radius = Math.round(5 + rand() * 150);
      cmds.push(['georadius', 'pts', lon, lat, radius, 'km', 'WITHDIST', 'WITHHASH', 'WITHCOORD']);
      cmds.push(['geosearch', 'pts', 'FROMLONLAT', lon, lat, 'BYBOX', radius, radius / 2, 'km', 'DESC', 'COUNT', 7, 'WITHDIST']);
      cmds.push(['geosearch', 'pts', 'FROMMEMBER', `p${i}`, 'BYRADIUS', radius, 'mi', 'ASC']);
      cmds.push(['geodist', 'pts', `p${i}`, `p${i + 100}`, 'ft']);
    }
    cmds.push(
      ['georadiusbymember', 'pts', 'p3', 100, 'km', 'STORE', 'dst'],
      ['zrange', 'dst', 0, -1, 'WITHSCORES'],
      ['geosearchstore', 'dst', 'pts', 'FROMMEMBER', 'p4', 'BYRADIUS', 50, 'km', 'COUNT', 3, 'ANY'],
      ['zrange', 'dst', 0, -1, 'WITHSCORES'],
      ['geoadd', 'pts', 'XX', 'CH', 10, 40, 'p0', 11, 41, 'new'],
      ['geoadd', 'pts', 'NX', 'XX', 10, 40, 'p0'],
      ['georadius', 'pts', 10, 40, 10, 'km', 'STORE', 'dst', 'WITHDIST'],
    );
    for (const c of cmds) expect(await run(a, c), JSON.stringify(c)).toEqual(await run(b, c));
    // STOREDIST scores are raw doubles: V8's and glibc's sin/cos/asin may differ in the last ulp.
    const sd = ['georadiusbymember', 'pts', 'p3', 100, 'km', 'STOREDIST', 'dst'];
    expect(await run(a, sd)).toEqual(await run(b, sd));
    const za = (await a.zrange('dst', 0, -1, 'WITHSCORES')) as string[];
    const zb = (await b.zrange('dst', 0, -1, 'WITHSCORES')) as string[];
    expect(za.length).toBe(zb.length);
    for (let i = 0; i < za.length; i += 2) {
      expect(za[i]).toBe(zb[i]);
      expect(Number(za[i + 1])).toBeCloseTo(Number(zb[i + 1]), 9);
    }
  });
});


describe.skipIf(!haveRealRedis())('RESP3 replies byte-identical to real redis-server', () => {
  const pair = useServerPair();
  let srv: ServerHandle;
  let real: RealRedis;
  beforeAll(() => ({ srv, real } = pair));
  it('same bytes (clock values aside)', async () => {
    const cmds = [
      ['del', 'g3'], ['geoadd', 'g3', '13.361389', '38.115556', 'Palermo'], ['geopos', 'g3', 'Palermo', 'x'],
      ['geodist', 'g3', 'Palermo', 'Palermo'], ['geodist', 'nokey', 'a', 'b'],
      ['geosearch', 'g3', 'FROMLONLAT', '13', '38', 'BYRADIUS', '100', 'km', 'WITHCOORD', 'WITHDIST', 'WITHHASH'],
    ];
    const a = await resp3Lines(srv.port, cmds);
    const b = await resp3Lines(real.port, cmds);
    expect(a.length).toBe(b.length);
    for (let i = 0; i < a.length; i++) {
      if (/^:\d{13}$/.test(a[i]!) && /^:\d{13}$/.test(b[i]!)) continue;
      expect(a[i], `line ${i}`).toBe(b[i]);
    }
  });
});

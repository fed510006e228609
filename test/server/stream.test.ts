/**
 * Streams: the value type's node model (approximate trimming leaves what Redis leaves), IDs,
 * commands over TCP (replies and error texts), blocking XREAD/XREADGROUP, and a differential
 * run of the same command sequence against real redis-server (XINFO included, minus clocks).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type ServerHandle } from '../../tools/server/server.js';
import { Stream } from '../../tools/server/types/stream.js';
import { formatStreamId, makeId, parseStreamId } from '../../tools/server/types/stream-id.js';
import { haveRealRedis, type RealRedis } from '../helpers/real-redis.js';
import { run, resp3Lines, useServerPair } from '../helpers/differential.js';

describe('stream IDs', () => {
  it('parses and formats like Redis', () => {
    expect(formatStreamId(parseStreamId('5-3', 0n)!.id)).toBe('5-3');
    expect(formatStreamId(parseStreamId('5', 0n)!.id)).toBe('5-0');
    expect(formatStreamId(parseStreamId('5', 0xffffffffffffffffn)!.id)).toBe('5-18446744073709551615');
    expect(parseStreamId('-', 0n, { strict: true })).toBeNull();
    expect(parseStreamId('18446744073709551616-0', 0n)).toBeNull();
    expect(parseStreamId('1-*', 0n, { allowAutoSeq: true })!.seqAuto).toBe(true);
    expect(parseStreamId('1-*', 0n)).toBeNull();
  });
});

describe('Stream value type', () => {
  const limits = { nodeMaxEntries: 100, nodeMaxBytes: 4096 };
  it('approximate MAXLEN removes whole nodes only (Redis leaves 600 of 1000 for ~555)', () => {
    const s = new Stream();
    for (let j = 0; j < 1000; j++) {
      s.append(makeId(BigInt(j + 1), 0n), ['xitem', String(j)], limits);
      s.trim({ kind: 'maxlen', maxlen: 555, approx: true, limit: 10000 });
    }
    expect(s.length).toBe(600);
  });
  it('XDEL keeps tombstones until the node is empty, and tracks max-deleted-entry-id', () => {
    const s = new Stream();
    for (let j = 1; j <= 3; j++) s.append(makeId(BigInt(j), 0n), ['f', 'v'], limits);
    expect(s.delete(makeId(2n, 0n))).toBe(true);
    expect(s.delete(makeId(2n, 0n))).toBe(false);
    expect(s.length).toBe(2);
    expect(s.nodeCount).toBe(1);
    expect(formatStreamId(s.maxDeletedEntryId)).toBe('2-0');
    expect([...s.range()].map((e) => formatStreamId(e.id))).toEqual(['1-0', '3-0']);
    expect([...s.range(undefined, undefined, true)].map((e) => formatStreamId(e.id))).toEqual(['3-0', '1-0']);
  });
});

describe('stream commands over TCP', () => {
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

  it('XADD / XRANGE / XREVRANGE / XLEN / XDEL / XTRIM', async () => {
    await r.del('s');
    expect(await r.xadd('s', '1-1', 'a', '1')).toBe('1-1');
    expect(await r.xadd('s', '1-*', 'b', '2')).toBe('1-2');
    expect(await r.xadd('s', '2', 'c', '3')).toBe('2-0');
    expect(await r.xlen('s')).toBe(3);
    expect(await r.xrange('s', '(1-1', '+')).toEqual([['1-2', ['b', '2']], ['2-0', ['c', '3']]]);
    expect(await r.xrevrange('s', '+', '-', 'COUNT', 1)).toEqual([['2-0', ['c', '3']]]);
    expect(await r.xdel('s', '1-2', '9-9')).toBe(1);
    expect(await r.xtrim('s', 'MAXLEN', '=', 1)).toBe(1);
    expect(await r.xrange('s', '-', '+')).toEqual([['2-0', ['c', '3']]]);
    expect(await run(r, ['xadd', 's', '1-0', 'x', 'y'])).toBe(
      'ERR:ERR The ID specified in XADD is equal or smaller than the target stream top item',
    );
    expect(await run(r, ['xadd', 's', 'MAXLEN', '~', '1', 'LIMIT', '0', '*'])).toMatch(/wrong number of arguments/);
    expect(await run(r, ['xadd', 's', 'MAXLEN', '1', 'LIMIT', '10', '*', 'a', 'b'])).toBe(
      'ERR:ERR syntax error, LIMIT cannot be used without the special ~ option',
    );
    expect(await run(r, ['xrange', 's', 'x', '+'])).toBe('ERR:ERR Invalid stream ID specified as stream command argument');
    expect(await r.xadd('nostream', 'NOMKSTREAM', '*', 'a', 'b')).toBeNull();
  });

  it('consumer groups: XREADGROUP, XPENDING, XACK, XCLAIM, XAUTOCLAIM, XINFO', async () => {
    await r.del('g');
    for (let i = 1; i <= 5; i++) await r.xadd('g', `${i}-0`, 'f', String(i));
    expect(await r.xgroup('CREATE', 'g', 'grp', '0')).toBe('OK');
    expect(await run(r, ['xgroup', 'CREATE', 'g', 'grp', '0'])).toBe('ERR:BUSYGROUP Consumer Group name already exists');
    const read = (await r.xreadgroup('GROUP', 'grp', 'alice', 'COUNT', 2, 'STREAMS', 'g', '>')) as unknown[];
    expect(read).toEqual([['g', [['1-0', ['f', '1']], ['2-0', ['f', '2']]]]]);
    const pending = (await r.xpending('g', 'grp')) as unknown[];
    expect(pending).toEqual([2, '1-0', '2-0', [['alice', '2']]]);
    expect(await r.xack('g', 'grp', '1-0', '7-0')).toBe(1);
    expect(await r.xclaim('g', 'grp', 'bob', 0, '2-0', 'JUSTID')).toEqual(['2-0']);
    const auto = (await r.xautoclaim('g', 'grp', 'carol', 0, '0-0', 'COUNT', 10)) as unknown[];
    expect(auto[0]).toBe('0-0');
    expect(auto[1]).toEqual([['2-0', ['f', '2']]]);
    const groups = (await r.call('xinfo', 'groups', 'g')) as unknown[][];
    expect(groups[0]).toEqual(['name', 'grp', 'consumers', 3, 'pending', 1, 'last-delivered-id', '2-0', 'entries-read', 2, 'lag', 3]);
    expect(await run(r, ['xreadgroup', 'GROUP', 'nope', 'c', 'STREAMS', 'g', '>'])).toBe(
      "ERR:NOGROUP No such key 'g' or consumer group 'nope' in XREADGROUP with GROUP option",
    );
  });

  it('blocking XREAD is served by a later XADD', async () => {
    await r.del('b');
    const blocked = new Redis({ port: srv.port, host: '127.0.0.1' });
    try {
      const p = blocked.xread('BLOCK', 0, 'STREAMS', 'b', '$');
      await new Promise((res) => setTimeout(res, 50));
      await r.xadd('b', '5-0', 'k', 'v');
      expect(await p).toEqual([['b', [['5-0', ['k', 'v']]]]]);
      const t0 = Date.now();
      expect(await blocked.xread('BLOCK', 50, 'STREAMS', 'b', '$')).toBeNull();
      expect(Date.now() - t0).toBeGreaterThanOrEqual(40);
    } finally {
      blocked.disconnect();
    }
  });

  it('blocking XREADGROUP gets -NOGROUP when the group is destroyed', async () => {
    await r.del('d');
    await r.xgroup('CREATE', 'd', 'grp', '$', 'MKSTREAM');
    const blocked = new Redis({ port: srv.port, host: '127.0.0.1' });
    try {
      const p = blocked.xreadgroup('GROUP', 'grp', 'c', 'BLOCK', 0, 'STREAMS', 'd', '>').catch((e: Error) => e.message);
      await new Promise((res) => setTimeout(res, 50));
      await r.xgroup('DESTROY', 'd', 'grp');
      expect(await p).toMatch(/NOGROUP the consumer group this client was blocked on no longer exists/);
    } finally {
      blocked.disconnect();
    }
  });
});

describe.skipIf(!haveRealRedis())('streams: differential against real redis-server', () => {
  const pair = useServerPair();
  let a: Redis;
  let b: Redis;
  beforeAll(() => ({ ours: a, theirs: b } = pair));

  /** Drops values that are clocks (seen-time, delivery times, idle). */
  function scrub(v: unknown, parentKey?: string): unknown {
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (let i = 0; i < v.length; i++) {
        const k = typeof v[i - 1] === 'string' ? (v[i - 1] as string) : undefined;
        if (k === 'seen-time' || k === 'idle' || k === 'radix-tree-nodes') out.push('*');
        else out.push(scrub(v[i], k));
      }
      // PEL rows: [id, consumer, delivery-time, count] / [id, delivery-time, count]
      if (parentKey === undefined && out.length === 4 && typeof out[0] === 'string' && /^\d+-\d+$/.test(out[0] as string) && typeof out[2] === 'number') out[2] = '*';
      if (parentKey === undefined && out.length === 3 && typeof out[0] === 'string' && /^\d+-\d+$/.test(out[0] as string) && typeof out[1] === 'number') out[1] = '*';
      return out;
    }
    return v;
  }

  it('same replies for a mixed command sequence', async () => {
    const cmds: (string | number)[][] = [['del', 'x', 'y']];
    for (let i = 1; i <= 250; i++) {
      cmds.push(['xadd', 'x', `${i}-${i % 3}`, 'f', String(i), ...(i % 7 === 0 ? ['g', 'extra'] : [])]);
      if (i % 50 === 0) cmds.push(['xinfo', 'stream', 'x']);
    }
    cmds.push(
      ['xdel', 'x', '3-0', '5-2', '100-1', '250-1'],
      ['xrange', 'x', '(10-1', '20', 'COUNT', 5],
      ['xrevrange', 'x', '+', '(240', 'COUNT', 3],
      ['xtrim', 'x', 'MAXLEN', '~', 120],
      ['xlen', 'x'],
      ['xtrim', 'x', 'MINID', '=', '200-0'],
      ['xinfo', 'stream', 'x'],
      ['xgroup', 'create', 'x', 'g1', '0'],
      ['xgroup', 'create', 'x', 'g2', '$', 'ENTRIESREAD', 10],
      ['xreadgroup', 'group', 'g1', 'c1', 'count', 5, 'streams', 'x', '>'],
      ['xreadgroup', 'group', 'g1', 'c2', 'count', 3, 'noack', 'streams', 'x', '>'],
      ['xdel', 'x', '205-1'],
      ['xreadgroup', 'group', 'g1', 'c1', 'streams', 'x', '0'],
      ['xinfo', 'groups', 'x'],
      ['xinfo', 'consumers', 'x', 'g1'],
      ['xpending', 'x', 'g1', '-', '+', 10],
      ['xpending', 'x', 'g1'],
      ['xclaim', 'x', 'g1', 'c3', 0, '201-0', '202-1', '205-1', 'RETRYCOUNT', 5],
      ['xautoclaim', 'x', 'g1', 'c4', 0, '0', 'COUNT', 2],
      ['xinfo', 'stream', 'x', 'full'],
      ['xsetid', 'x', '300-0', 'ENTRIESADDED', 400, 'MAXDELETEDID', '250-0'],
      ['xinfo', 'stream', 'x'],
      ['xsetid', 'x', '1-0'],
      ['xgroup', 'setid', 'x', 'g2', '0', 'ENTRIESREAD', 0],
      ['xinfo', 'groups', 'x'],
      ['xgroup', 'delconsumer', 'x', 'g1', 'c1'],
      ['xgroup', 'createconsumer', 'x', 'g1', 'c9'],
      ['xgroup', 'destroy', 'x', 'g2'],
      ['xadd', 'y', 'MAXLEN', '-1', '*', 'a', 'b'],
      ['xadd', 'y', '0-0', 'a', 'b'],
      ['xread', 'count', 2, 'streams', 'x', 'y', '0', '0'],
      ['xgroup', 'create', 'nokey', 'g', '$'],
      ['xinfo', 'stream', 'nokey'],
      ['xpending', 'x', 'nogroup'],
      ['xclaim', 'x', 'g1', 'c', 'notanumber', '1-0'],
      ['xgroup', 'help'],
      ['xinfo', 'help'],
    );
    for (const c of cmds) {
      const ra = scrub(await run(a, c));
      const rb = scrub(await run(b, c));
      expect(ra, JSON.stringify(c)).toEqual(rb);
    }
  });
});

describe('Stream nodes after sealing', () => {
  it('appends to a sealed node when the later node was emptied and limits were raised', () => {
    const s = new Stream();
    const small = { nodeMaxEntries: 2, nodeMaxBytes: 4096 };
    for (let i = 1; i <= 3; i++) s.append(makeId(BigInt(i), 0n), ['f', `v${i}`, 'x', 'y'], small);
    expect(s.nodeCount).toBe(2);
    expect(s.delete(makeId(3n, 0n))).toBe(true);
    expect(s.nodeCount).toBe(1);
    s.append(makeId(4n, 0n), ['other', 'v4'], { nodeMaxEntries: 10, nodeMaxBytes: 4096 });
    expect(s.nodeCount).toBe(1);
    expect([...s.range()].map((e) => [formatStreamId(e.id), e.fields])).toEqual([
      ['1-0', ['f', 'v1', 'x', 'y']],
      ['2-0', ['f', 'v2', 'x', 'y']],
      ['4-0', ['other', 'v4']],
    ]);
  });
});

describe('COPY of a stream', () => {
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

  it('copies entries, groups, consumers and PELs independently', async () => {
    await r.del('x', 'newx');
    for (let i = 100; i <= 105; i++) await r.xadd('x', String(i), 'f', String(i));
    await r.xgroup('CREATE', 'x', 'g1', '0');
    await r.xreadgroup('GROUP', 'g1', 'Alice', 'COUNT', 2, 'STREAMS', 'x', '>');
    await r.xdel('x', '103');
    expect(await r.copy('x', 'newx')).toBe(1);
    const info = await r.call('xinfo', 'stream', 'x', 'full');
    expect(await r.call('xinfo', 'stream', 'newx', 'full')).toEqual(info);
    await r.xack('newx', 'g1', '100-0');
    await r.del('x');
    const pending = (await r.xpending('newx', 'g1')) as unknown[];
    expect(pending[0]).toBe(1);
  });
});


describe.skipIf(!haveRealRedis())('RESP3 replies byte-identical to real redis-server', () => {
  const pair = useServerPair();
  let srv: ServerHandle;
  let real: RealRedis;
  beforeAll(() => ({ srv, real } = pair));
  it('same bytes (clock values aside)', async () => {
    const cmds = [
      ['del', 's3'], ['xadd', 's3', '1-1', 'a', 'b'], ['xadd', 's3', '2-1', 'c', 'd'], ['xgroup', 'create', 's3', 'g', '0'],
      ['xread', 'count', '1', 'streams', 's3', '0'], ['xreadgroup', 'group', 'g', 'c', 'streams', 's3', '>'],
      ['xinfo', 'groups', 's3'], ['xinfo', 'stream', 's3'], ['xpending', 's3', 'g'], ['xautoclaim', 's3', 'g', 'c2', '0', '0'],
      ['xread', 'streams', 'nokey', '0'], ['xrange', 's3', '-', '+', 'COUNT', '0'], ['xinfo', 'stream', 's3', 'full'],
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

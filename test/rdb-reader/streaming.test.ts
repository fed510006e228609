/**
 * Streaming properties: the same records whatever the input chunking (down to 1 byte), big
 * collections delivered in bounded chunks and bounded batches, trailing bytes reported.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readRdbBatches } from '../../tools/rdb/reader.js';
import { RdbWriter } from '../../tools/rdb/writer.js';
import type { RdbRecord } from '../../tools/rdb/types.js';
import { CORPUS, chunks, collect } from './helpers.js';

const ser = (rs: RdbRecord[]): string =>
  JSON.stringify(rs, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' ? Buffer.from((v as { data: number[] }).data).toString('hex') : v));

describe('streaming', () => {
  for (const f of ['redis7-lru.rdb', 'rdbtools-redis_50_with_streams.rdb', 'librdb-module_aux_v12.rdb', 'hdt3213-hash_with_hfe.rdb', 'rdbtools-parser_filters.rdb', 'redis-rdb-preamble.aof']) {
    it(`${f}: identical records for chunk sizes 1, 2, 7, 64 and whole`, async () => {
      const buf = readFileSync(CORPUS + f);
      const whole = ser((await collect(buf, { chunkElements: 3 }, buf.length)).records);
      for (const size of [1, 2, 7, 64]) expect(ser((await collect(buf, { chunkElements: 3 }, size)).records)).toBe(whole);
    });
  }

  it('a 100k-member hashtable set arrives in chunks; batches stay small', async () => {
    const w = new RdbWriter({ now: () => 0 });
    w.selectDb(0);
    w.key(Buffer.from('big'), { type: 'set', items: Array.from({ length: 100_000 }, (_, i) => Buffer.from(`member:${i}`)) });
    const buf = Buffer.concat([w.take(), w.end()]);
    let members = 0;
    let maxItemsPerBatch = 0;
    for await (const batch of readRdbBatches(chunks(buf, 8192), { chunkElements: 1000 })) {
      let items = 0;
      for (const r of batch) {
        if (r.kind === 'elements') {
          expect(r.elements.items.length).toBeLessThanOrEqual(1000);
          expect(r.offset + r.length).toBeLessThanOrEqual(buf.length);
          items += r.elements.items.length;
        }
      }
      maxItemsPerBatch = Math.max(maxItemsPerBatch, items);
      members += items;
    }
    expect(members).toBe(100_000);
    expect(maxItemsPerBatch).toBeLessThanOrEqual(1000);
  });

  it('stops at EOF and reports where the trailing bytes start (RDB-preamble AOF)', async () => {
    const buf = readFileSync(CORPUS + 'redis-rdb-preamble.aof');
    const { records } = await collect(buf);
    const eof = records.at(-1)!;
    expect(eof.kind).toBe('eof');
    if (eof.kind === 'eof') expect(buf.subarray(eof.trailingOffset).toString('latin1')).toMatch(/^\*\d+\r\n\$/);
  });
});

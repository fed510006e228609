/**
 * Replay tests: after a repair or an edit, real redis-server 7.0 starts on the result and holds
 * exactly the keys we expect, compared key by key (TYPE, DUMP, PEXPIRETIME) with a dataset
 * computed independently (the intact AOF minus the damaged command / transaction, loaded by
 * the same real server; or the intact dataset filtered).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { haveRealRedis } from '../helpers/real-redis.js';
import { buildCorpus, type Corpus } from './corpus.js';
import { replay, isDataset, type Dataset } from './replay.js';
import { repairAof, editAof, globToRegExp } from '../../tools/aof/edit.js';
import { readAof, type AofCommandRecord } from '../../tools/aof/reader.js';
import { strictCheck } from '../../tools/aof/strict.js';
import { encodeCommand } from '../../tools/resp/index.js';

async function commandsOf(buf: Buffer): Promise<AofCommandRecord[]> {
  const out: AofCommandRecord[] = [];
  for await (const r of readAof([buf])) if (r.kind === 'command') out.push({ ...r, args: r.args.map((a) => Buffer.from(a)) }); // args are views into the reader's window
  return out;
}

function without(buf: Buffer, ranges: [number, number][]): Buffer {
  const parts: Buffer[] = [];
  let p = 0;
  for (const [a, b] of [...ranges].sort((x, y) => x[0] - y[0])) { parts.push(buf.subarray(p, a)); p = b; }
  parts.push(buf.subarray(p));
  return Buffer.concat(parts);
}

function diff(a: Dataset, b: Dataset): string[] {
  const out: string[] = [];
  for (const [k, v] of a) if (b.get(k) !== v) out.push(`${k}: ${b.has(k) ? 'differs' : 'missing'}`);
  for (const k of b.keys()) if (!a.has(k)) out.push(`${k}: unexpected`);
  return out.slice(0, 10);
}

async function ds(path: string): Promise<Dataset> {
  const d = await replay(path);
  if (!isDataset(d)) throw new Error(`redis-server refused ${path}: ${d.refused.slice(-2000)}`);
  return d;
}

describe.skipIf(!haveRealRedis(['redis-server', 'redis-cli', 'redis-check-aof']))('repair and edit results replay in real redis-server 7.0', () => {
  let corpus: Corpus;
  let work: string;
  let intact: Buffer;
  let cmds: AofCommandRecord[];
  let intactData: Dataset;
  beforeAll(async () => {
    corpus = await buildCorpus();
    work = join(corpus.root, 'work');
    mkdirSync(work);
    intact = readFileSync(corpus.single);
    cmds = await commandsOf(intact);
    intactData = await ds(corpus.single);
  }, 90_000);
  afterAll(() => {
    if (corpus) rmSync(corpus.root, { recursive: true, force: true });
  });

  /** A plain command (not SELECT, not in a transaction) at about `frac` of the file. */
  const plainAt = (frac: number) => {
    let i = Math.floor(cmds.length * frac);
    while (cmds[i]!.inMulti || ['select', 'flushdb'].includes(cmds[i]!.args[0]!.toString().toLowerCase())) i++;
    return cmds[i]!;
  };
  const file = (name: string, data: Buffer) => { const p = join(work, name); writeFileSync(p, data); return p; };

  it('salvage skips garbage in the middle and keeps every later command', async () => {
    const c = plainAt(0.4);
    const damaged = Buffer.from(intact);
    damaged.fill(0x58, c.offset + 6, c.offset + 14); // 'XXXXXXXX' over its first bulk header/data
    const input = file('garbage.aof', damaged);
    // redis-check-aof would cut everything from here on
    const real = spawnSync('redis-check-aof', [input], { encoding: 'latin1' });
    expect(real.status).toBe(1);
    const r = await repairAof(input, { mode: 'salvage', target: { kind: 'file', path: join(work, 'salvaged.aof') } });
    expect(r.skipped).toHaveLength(1);
    expect(r.skipped[0]!.offset).toBe(c.offset);
    expect(r.skipped[0]!.offset + r.skipped[0]!.length).toBe(c.offset + c.length);
    const expected = await ds(file('expected1.aof', without(intact, [[c.offset, c.offset + c.length]])));
    const got = await ds(join(work, 'salvaged.aof'));
    expect(diff(expected, got)).toEqual([]);
    expect(got.size).toBeGreaterThan(100);
  });

  it('salvage drops a whole MULTI/EXEC block damaged in the middle, never half of it', async () => {
    const start = cmds.findIndex((c, i) => i > cmds.length * 0.5 && c.args[0]!.toString().toLowerCase() === 'multi');
    const multi = cmds[start]!;
    const queued = cmds[start + 1]!;
    let end = start;
    while (cmds[end]!.args[0]!.toString().toLowerCase() !== 'exec') end++;
    const exec = cmds[end]!;
    const damaged = Buffer.from(intact);
    damaged.fill(0x3f, queued.offset + 1, queued.offset + 3); // '*3' -> '*??'
    const r = await repairAof(file('txdamage.aof', damaged), { mode: 'salvage', target: { kind: 'file', path: join(work, 'txsalvaged.aof') } });
    expect(r.droppedTransactions.length).toBeGreaterThanOrEqual(1);
    const expected = await ds(file('expected2.aof', without(intact, [[multi.offset, exec.offset + exec.length]])));
    expect(diff(expected, await ds(join(work, 'txsalvaged.aof')))).toEqual([]);
  });

  it('repairs a non-last file of a multi-part set in place: truncate (dropping or keeping later files) and salvage', async () => {
    // a multi-part set with two INCR files: the intact single file split at a command boundary
    const mid = plainAt(0.5);
    const bad = plainAt(0.3);
    const mk = (name: string) => {
      const d = join(work, name);
      mkdirSync(d);
      const one = Buffer.from(intact.subarray(0, mid.offset));
      one.fill(0x58, bad.offset + 6, bad.offset + 10);
      writeFileSync(join(d, 'appendonly.aof.1.base.aof'), '');
      writeFileSync(join(d, 'appendonly.aof.1.incr.aof'), one);
      // like the server, a new INCR file starts with a SELECT (its loader starts each file in db 0)
      writeFileSync(join(d, 'appendonly.aof.2.incr.aof'), Buffer.concat([encodeCommand(['SELECT', String(mid.db)]), intact.subarray(mid.offset)]));
      writeFileSync(join(d, 'appendonly.aof.manifest'), 'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof seq 2 type i\n');
      return d;
    };
    // the server itself refuses this set, and so does our loader-faithful check
    const d0 = mk('mp0');
    expect(isDataset(await replay(d0))).toBe(false);
    expect((await strictCheck(d0)).verdict).toBe('refuses');

    const d1 = mk('mp1');
    const r1 = await repairAof(d1, { mode: 'truncate', target: { kind: 'in-place' } });
    expect(r1.backups.length).toBe(2); // the damaged file and the manifest
    expect(readFileSync(join(d1, 'appendonly.aof.manifest'), 'utf8')).not.toContain('appendonly.aof.2.incr.aof');
    expect(diff(await ds(file('exp-t.aof', intact.subarray(0, bad.offset))), await ds(d1))).toEqual([]);

    const d2 = mk('mp2');
    await repairAof(d2, { mode: 'truncate', target: { kind: 'in-place' }, keepLaterParts: true });
    expect(diff(await ds(file('exp-k.aof', Buffer.concat([intact.subarray(0, bad.offset), encodeCommand(['SELECT', String(mid.db)]), intact.subarray(mid.offset)]))), await ds(d2))).toEqual([]);

    const d3 = mk('mp3');
    await repairAof(d3, { mode: 'salvage', target: { kind: 'in-place' } });
    expect(existsSync(join(d3, 'appendonly.aof.1.incr.aof.bak'))).toBe(true);
    expect(diff(await ds(file('exp-s.aof', without(intact, [[bad.offset, bad.offset + bad.length]]))), await ds(d3))).toEqual([]);
    expect((await strictCheck(d3)).verdict).toBe('loads');
  });

  it('edit --drop-flush all: the data the FLUSHDBs erased comes back', async () => {
    const flushes = cmds.filter((c) => c.args[0]!.toString().toLowerCase() === 'flushdb');
    expect(flushes.length).toBeGreaterThan(0);
    const r = await editAof(corpus.single, { dropFlush: 'all', target: { kind: 'file', path: join(work, 'noflush.aof') } });
    expect(r.flushDropped).toBe(flushes.length);
    const expected = await ds(file('exp-nf.aof', without(intact, flushes.map((c) => [c.offset, c.offset + c.length]))));
    const got = await ds(join(work, 'noflush.aof'));
    expect(diff(expected, got)).toEqual([]);
    expect(got.size).toBeGreaterThan(intactData.size);
  });

  it('edit --db and --key keep exactly the matching part of the dataset (SELECT re-synthesised)', async () => {
    await editAof(corpus.single, { dbs: [2], target: { kind: 'file', path: join(work, 'db1.aof') } });
    const want1 = new Map([...intactData].filter(([k]) => k.startsWith('2|')));
    expect(want1.size).toBeGreaterThan(0);
    expect(diff(want1, await ds(join(work, 'db1.aof')))).toEqual([]);

    await editAof(corpus.single, { keyPattern: 'a:k1*', target: { kind: 'dir', path: join(work, 'keys-dir') } });
    expect(readdirSync(join(work, 'keys-dir')).some((n) => n.endsWith('.manifest'))).toBe(true);
    const re = globToRegExp('a:k1*');
    const want2 = new Map([...intactData].filter(([k]) => re.test(Buffer.from(k.split('|')[1]!, 'hex').toString('latin1'))));
    expect(want2.size).toBeGreaterThan(0);
    expect(diff(want2, await ds(join(work, 'keys-dir')))).toEqual([]);
  });

  it('edit --until-timestamp matches redis-check-aof --truncate-to-timestamp, loaded by the server', async () => {
    const b = plainAt(0.3).offset;
    const b2 = plainAt(0.6).offset;
    const withTs = Buffer.concat([Buffer.from('#TS:1000\r\n'), intact.subarray(0, b), Buffer.from('#TS:2000\r\n'), intact.subarray(b, b2), Buffer.from('#TS:3000\r\n'), intact.subarray(b2)]);
    const c = file('ts-c.aof', withTs);
    expect(spawnSync('redis-check-aof', ['--truncate-to-timestamp', '2500', c]).status).toBe(0);
    await editAof(file('ts-u.aof', withTs), { untilTimestamp: 2500, target: { kind: 'file', path: join(work, 'ts-out.aof') } });
    expect(diff(await ds(c), await ds(join(work, 'ts-out.aof')))).toEqual([]);
  });

  it('RDB-preamble and multi-part RDB-base sets: salvage output keeps the RDB part and loads', async () => {
    const pre = readFileSync(corpus.pre);
    const r = await repairAof(file('pre-copy.aof', pre), { mode: 'salvage', target: { kind: 'file', path: join(work, 'pre-out.aof') } });
    expect(r.skipped).toEqual([]);
    expect(diff(await ds(corpus.pre), await ds(join(work, 'pre-out.aof')))).toEqual([]);
    await editAof(corpus.rdbDir, { target: { kind: 'dir', path: join(work, 'rdb-copy') } });
    expect(diff(await ds(corpus.rdbDir), await ds(join(work, 'rdb-copy')))).toEqual([]);
  });
});

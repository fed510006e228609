/**
 * The one pipeline behind repair and edits: read every record of an AOF set, let a policy
 * keep, drop or stop, and write the result as a new single file, a new multi-part directory
 * (with manifest), or in place (changed files only, each atomically, originals kept as
 * backups, manifest rewritten last).
 *
 * Guarantees, whatever the policy:
 *   - a MULTI…EXEC block is written whole or not at all (a block cut by damage, by the end of a
 *     file or by a cut point is dropped, and reported);
 *   - SELECT context is re-synthesised: source SELECTs are not copied, a SELECT is written before
 *     the first command of each output file and whenever the db changes, so the result replays
 *     into the same dbs whatever was dropped;
 *   - the RDB part of a base/preamble file is copied byte for byte.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import { basename, join } from 'node:path';
import { AtomicOutput } from '../io/files.js';
import { RedkitError } from '../errors.js';
import { readAofSetBatches, type AofLayout, type AofSetRecord } from './layout.js';
import type { AofCommandRecord, AofDamageRecord } from './reader.js';
import { AofCommandWriter } from './writer.js';
import { encodeCommand } from '../resp/index.js';
import { formatManifest, type AofManifest, type AofInfo } from './manifest.js';
import { freeBackupName, keepBackup } from './fsutil.js';

export type Decision = 'keep' | 'drop' | 'stop';

export interface RewritePolicy {
  /** Read past damage (salvage) instead of stopping at it. */
  salvage: boolean;
  /** Decide for one command (SELECT, MULTI and EXEC are handled by the pipeline). */
  command(rec: AofCommandRecord): Decision;
  /** Decide for an annotation (`#TS:`…): 'stop' cuts there. Default keep. */
  annotation?(rec: AofSetRecord & { kind: 'annotation' }): Decision;
}

export type RewriteTarget =
  | { kind: 'file'; path: string }
  | { kind: 'dir'; path: string }
  | { kind: 'in-place'; backup?: string };

export interface SkippedRange {
  file: string;
  offset: number;
  length: number;
  reason: string;
}

export interface RewriteReport {
  /** Commands read / written (SELECTs not counted on either side). */
  read: number;
  written: number;
  dropped: number;
  /** Damaged byte ranges skipped (salvage) or cut (truncate). */
  skipped: SkippedRange[];
  /** Transactions dropped because they were cut. */
  droppedTransactions: { file: string; offset: number; commands: number; why: string }[];
  /** Where the output stopped early (a cut point or the first damage without salvage). */
  stoppedAt?: { file: string; offset: number; why: string };
  /** Files written (final paths) and backups kept. */
  outputs: string[];
  backups: string[];
  /** Databases the written commands run in. */
  dbs: number[];
}

/** A copy of a record whose args no longer share the reader's window (for buffering). */
function own<T extends AofCommandRecord>(rec: T): T {
  return { ...rec, args: rec.args.map((a) => Buffer.from(a)) };
}

/** A command record with the index of the part (file) it comes from. */
type Cmd = AofCommandRecord & { part: number };

interface PendingTx {
  multi: Cmd;
  cmds: Cmd[];
  decisions: Decision[];
  kept: number;
}

/** Output files: one per input part (dir / in-place) or one for everything (file). */
class Outputs {
  readonly #target: RewriteTarget;
  readonly #layout: AofLayout;
  #outs = new Map<number, AtomicOutput>();
  #writers = new Map<number, AofCommandWriter>();
  #single: { out: AtomicOutput; writer: AofCommandWriter } | undefined;
  changed = new Set<number>();
  names = new Map<number, string>();

  constructor(target: RewriteTarget, layout: AofLayout) {
    this.#target = target;
    this.#layout = layout;
  }

  async writer(part: number): Promise<AofCommandWriter> {
    if (this.#target.kind === 'file') {
      if (!this.#single) {
        const out = await AtomicOutput.create(this.#target.path);
        this.#single = { out, writer: new AofCommandWriter(out) };
      }
      return this.#single.writer;
    }
    let w = this.#writers.get(part);
    if (!w) {
      const p = this.#layout.parts[part]!;
      const name = this.#target.kind === 'dir' ? this.partName(part) : p.name;
      this.names.set(part, name);
      const path = this.#target.kind === 'dir' ? join(this.#target.path, name) : p.path;
      const out = await AtomicOutput.create(path);
      this.#outs.set(part, out);
      w = new AofCommandWriter(out);
      this.#writers.set(part, w);
    }
    return w;
  }

  partName(part: number): string {
    const p = this.#layout.parts[part]!;
    if (this.#layout.kind === 'multi-part') return p.name;
    return `appendonly.aof.1.base.${p.rdb ? 'rdb' : 'aof'}`;
  }

  async commitAll(report: RewriteReport): Promise<void> {
    if (this.#single) {
      await this.#single.out.commit();
      report.outputs.push(this.#single.out.path);
      return;
    }
    for (const [part, out] of this.#outs) {
      if (this.#target.kind === 'in-place' && !this.changed.has(part)) { await out.abort(); continue; }
      if (this.#target.kind === 'in-place') {
        const bak = this.#target.backup && this.#outs.size === 1 ? this.#target.backup : await freeBackupName(out.path);
        await keepBackup(out.path, bak);
        report.backups.push(bak);
      }
      await out.commit();
      report.outputs.push(out.path);
    }
  }

  async abortAll(): Promise<void> {
    await this.#single?.out.abort();
    for (const out of this.#outs.values()) await out.abort();
  }
}

async function copyRange(path: string, start: number, end: number, w: AofCommandWriter): Promise<void> {
  if (end <= start) return;
  const s = createReadStream(path, { start, end: end - 1, highWaterMark: 1 << 20 });
  for await (const chunk of s) await w.raw(chunk as Buffer);
}

/**
 * Runs the pipeline. For 'in-place', only parts whose content changes are rewritten; parts after
 * a stop are dropped from the manifest when `dropLaterParts` (default true) else kept.
 */
export async function rewriteAof(layout: AofLayout, policy: RewritePolicy, target: RewriteTarget, opts: { dropLaterParts?: boolean; progress?: (done: number, total: number) => void } = {}): Promise<RewriteReport> {
  const report: RewriteReport = { read: 0, written: 0, dropped: 0, skipped: [], droppedTransactions: [], outputs: [], backups: [], dbs: [] };
  if (target.kind === 'dir') await fsp.mkdir(target.path, { recursive: true });
  const outputs = new Outputs(target, layout);
  const dbs = new Set<number>();
  let stopped = false;
  let stopPart = -1;
  let curPart = -1;
  let tx: PendingTx | undefined;
  /** After damage inside a transaction: its tail (until EXEC) is dropped too. */
  let orphanTail: Cmd[] | undefined;

  const emit = async (rec: Cmd) => {
    const w = await outputs.writer(rec.part);
    await w.command(rec.args, rec.db);
    report.written++;
    dbs.add(rec.db);
  };
  const dropTx = (why: string) => {
    if (!tx) return;
    outputs.changed.add(tx.multi.part);
    report.droppedTransactions.push({ file: tx.multi.file, offset: tx.multi.offset, commands: tx.cmds.length, why });
    report.dropped += tx.kept;
    tx = undefined;
  };
  const flushOrphans = async () => {
    if (!orphanTail) return;
    const tail = orphanTail;
    orphanTail = undefined;
    for (const r of tail) { if (policy.command(r) === 'keep') await emit(r); else report.dropped++; }
  };

  type Part = { part: number };
  const startPart = async (part: number) => {
    // in-place: a part is rewritten only if something in it changes; we do not know that ahead,
    // so parts are always rewritten through a temp file and committed only if changed.
    curPart = part;
    const p = layout.parts[part]!;
    const w = await outputs.writer(part);
    if (p.rdb) await copyRange(p.path, 0, p.rdbEnd, w);
  };
  const endPart = async () => {
    if (tx) dropTx(`file ${layout.parts[curPart]!.name} ends inside MULTI`);
    await flushOrphans();
  };

  try {
    outer: for await (const batch of readAofSetBatches(layout, opts.progress ? { salvage: policy.salvage, progress: opts.progress } : { salvage: policy.salvage })) for (const rec of batch as (AofSetRecord & Part)[]) {
      if (rec.part !== curPart) {
        if (curPart >= 0) await endPart();
        if (stopped) break outer;
        await startPart(rec.part);
      }
      if (rec.kind === 'rdb') continue;
      if (rec.kind === 'annotation') {
        const d = policy.annotation?.(rec) ?? 'keep';
        if (d === 'stop') { stopped = true; stopPart = rec.part; outputs.changed.add(rec.part); report.stoppedAt = { file: rec.file, offset: rec.offset, why: 'cut point' }; break outer; }
        if (d === 'keep' && !tx) await (await outputs.writer(rec.part)).raw(Buffer.from(rec.text)); // copy: the output buffers it past this batch
        continue;
      }
      if (rec.kind === 'damage') {
        const dmg = rec as AofDamageRecord;
        outputs.changed.add(rec.part);
        report.skipped.push({ file: dmg.file, offset: dmg.offset, length: dmg.length, reason: `${dmg.reason}: ${dmg.detail}` });
        if (tx) { dropTx(`damage at ${dmg.file} offset ${dmg.offset}`); orphanTail = []; }
        {
          if (!policy.salvage) { stopped = true; stopPart = rec.part; outputs.changed.add(rec.part); report.stoppedAt = { file: dmg.file, offset: dmg.offset, why: dmg.reason }; break outer; }
        }
        continue;
      }
      report.read++;
      const name = rec.args[0]!.toString('latin1').toLowerCase();
      if (name === 'select') continue; // re-synthesised by the writer
      if (orphanTail) {
        if (name === 'exec') {
          report.droppedTransactions.push({ file: rec.file, offset: rec.offset, commands: orphanTail.length, why: 'tail of a transaction cut by damage' });
          report.dropped += orphanTail.length;
          orphanTail = undefined;
          continue;
        }
        if (name === 'multi' || orphanTail.length >= 100_000) await flushOrphans();
        else { orphanTail.push(own(rec)); continue; }
      }
      if (name === 'multi') {
        if (tx) { dropTx('nested MULTI'); }
        tx = { multi: rec, cmds: [], decisions: [], kept: 0 };
        continue;
      }
      if (name === 'exec') {
        if (!tx) { report.dropped++; outputs.changed.add(rec.part); continue; } // EXEC without MULTI
        const t = tx;
        tx = undefined;
        const keep = t.cmds.filter((_, i) => t.decisions[i] === 'keep');
        report.dropped += t.cmds.length - keep.length;
        if (keep.length > 0) {
          const w = await outputs.writer(rec.part);
          await w.select(keep[0]!.db); // so MULTI itself runs in the right db context
          await w.raw(encodeCommand(['MULTI']));
          for (const r of keep) await emit(r);
          await w.raw(encodeCommand(['EXEC']));
        }
        continue;
      }
      const d = policy.command(rec);
      if (d === 'stop') {
        stopped = true; stopPart = rec.part; outputs.changed.add(rec.part);
        report.stoppedAt = { file: rec.file, offset: rec.offset, why: 'cut point' };
        break outer;
      }
      if (tx) { tx.cmds.push(own(rec)); tx.decisions.push(d); if (d === 'keep') tx.kept++; continue; }
      if (d === 'keep') await emit(rec);
      else { report.dropped++; outputs.changed.add(rec.part); }
    }
    if (curPart >= 0) await endPart();
    // parts never reached (after a stop, or parts with no records at all) still need an output
    for (let i = 0; i < layout.parts.length; i++) {
      if (stopped && i > stopPart) break;
      await outputs.writer(i);
    }
    report.dbs = [...dbs].sort((a, b) => a - b);
    await outputs.commitAll(report);
  } catch (err) {
    await outputs.abortAll();
    throw err;
  }

  // manifest for dir / in-place multi-part targets
  if (target.kind !== 'file') {
    const keepParts = layout.parts.map((_, i) => i).filter((i) => !(stopped && i > stopPart && (opts.dropLaterParts ?? true)));
    const am: AofManifest = { base: undefined, history: [], incr: [] };
    for (const i of keepParts) {
      const p = layout.parts[i]!;
      const info: AofInfo = { fileName: target.kind === 'dir' ? outputs.partName(i) : p.name, seq: p.seq ?? 1, type: p.role === 'incr' ? 'i' : 'b', line: 0 };
      if (info.type === 'b') am.base = info; else am.incr.push(info);
    }
    if (target.kind === 'dir') {
      const name = layout.manifestPath ? basename(layout.manifestPath) : 'appendonly.aof.manifest';
      const out = await AtomicOutput.create(join(target.path, name));
      await out.write(formatManifest(am));
      await out.commit();
      report.outputs.push(out.path);
    } else if (layout.manifestPath && keepParts.length !== layout.parts.length) {
      const out = await AtomicOutput.create(layout.manifestPath);
      await out.write(formatManifest({ ...am, history: layout.manifest?.history ?? [] }));
      const bak = await freeBackupName(layout.manifestPath);
      await keepBackup(layout.manifestPath, bak);
      await out.commit();
      report.backups.push(bak);
      report.outputs.push(layout.manifestPath);
    }
  }
  return report;
}

export function assertWritableTarget(target: RewriteTarget, layout: AofLayout): void {
  if (target.kind === 'file' && layout.parts.some((p) => p.path === target.path)) {
    throw new RedkitError('REDKIT_E_USAGE', `${target.path}: output would overwrite an input file (use --in-place to rewrite with a backup)`);
  }
}

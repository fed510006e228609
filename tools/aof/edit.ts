/**
 * Repair and edit policies over the rewrite pipeline (rewrite.ts).
 *
 * Repair: `salvage` skips each damaged byte range and keeps every later command that parses;
 * `truncate` cuts at the first damage (like redis-check-aof --fix, but in any file of a
 * multi-part set: later files are dropped from the manifest, or kept with `keepLaterParts`).
 *
 * Edits: drop FLUSHALL/FLUSHDB (all or the last N), cut at a timestamp / byte offset / command
 * index, keep only some dbs, commands or keys (glob on the command's first key argument).
 */
import { resolveLayout, readAofSetBatches, type AofLayout } from './layout.js';
import { rewriteAof, assertWritableTarget, type RewritePolicy, type RewriteReport, type RewriteTarget } from './rewrite.js';
import type { AofCommandRecord } from './reader.js';
import { COMMAND_ARITY } from './command-table.js';

export interface RepairOptions {
  mode: 'salvage' | 'truncate';
  target: RewriteTarget;
  /** Multi-part, truncate mode: keep the files after the damaged one in the manifest. */
  keepLaterParts?: boolean;
  progress?: (done: number, total: number) => void;
}

export async function repairAof(input: string, opts: RepairOptions): Promise<RewriteReport> {
  const layout = await resolveLayout(input);
  assertWritableTarget(opts.target, layout);
  const policy: RewritePolicy = { salvage: opts.mode === 'salvage', command: () => 'keep' };
  return rewriteAof(layout, policy, opts.target, opts.progress ? { dropLaterParts: !opts.keepLaterParts, progress: opts.progress } : { dropLaterParts: !opts.keepLaterParts });
}

export interface EditOptions {
  /** Drop FLUSHALL and FLUSHDB: every one ('all') or the last N. */
  dropFlush?: 'all' | number;
  /** Keep what comes before the first `#TS:` annotation later than this (unix seconds). */
  untilTimestamp?: number;
  /** Keep the records that end at or before this byte offset (parts counted as concatenated). */
  untilOffset?: number;
  /** Keep the commands with index < N (0-based, SELECT included in the numbering). */
  untilIndex?: number;
  /** Keep only commands that run in these dbs. */
  dbs?: number[];
  /** Keep only these commands (case-insensitive names). */
  commands?: string[];
  /** Drop these commands. */
  excludeCommands?: string[];
  /** Keep only keyed commands whose first key matches this Redis glob (keyless commands are kept). */
  keyPattern?: string;
  target: RewriteTarget;
  progress?: (done: number, total: number) => void;
}

/** Redis glob (`*`, `?`, `[a-z]`, `[^x]`, `\x`) to a RegExp over latin1 text. */
export function globToRegExp(glob: string): RegExp {
  const lit = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else if (c === '\\' && i + 1 < glob.length) re += lit(glob[++i]!);
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end === -1) { re += '\\['; continue; }
      const body = glob.slice(i + 1, end);
      const neg = body.startsWith('^');
      re += `[${neg ? '^' : ''}${(neg ? body.slice(1) : body).replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else re += lit(c);
  }
  return new RegExp(`^${re}$`);
}

const KEYLESS = new Set(['flushall', 'flushdb', 'swapdb', 'select', 'multi', 'exec', 'discard', 'function', 'script', 'ping', 'echo', 'publish', 'spublish']);

/** Does this command touch keys (first key = args[1])? Table-driven enough for AOF content. */
function firstKey(rec: AofCommandRecord): Buffer | undefined {
  const name = rec.args[0]!.toString('latin1').toLowerCase();
  if (KEYLESS.has(name) || COMMAND_ARITY[name] === undefined) return undefined;
  return rec.args[1];
}

const isFlush = (name: string) => name === 'flushall' || name === 'flushdb';

export async function editAof(input: string | AofLayout, opts: EditOptions): Promise<RewriteReport & { flushDropped: number }> {
  const layout = typeof input === 'string' ? await resolveLayout(input) : input;
  assertWritableTarget(opts.target, layout);
  // the last N flushes: find their indexes first (a cheap pass)
  let dropFlushIdx: Set<number> | undefined;
  if (typeof opts.dropFlush === 'number') {
    const idx: number[] = [];
    for await (const batch of readAofSetBatches(layout)) {
      for (const rec of batch) if (rec.kind === 'command' && isFlush(rec.args[0]!.toString('latin1').toLowerCase())) idx.push(rec.index);
    }
    dropFlushIdx = new Set(idx.slice(Math.max(0, idx.length - opts.dropFlush)));
  }
  const partBase: number[] = [];
  let acc = 0;
  for (const p of layout.parts) { partBase.push(acc); acc += p.size; }
  const partIndex = new Map(layout.parts.map((p, i) => [p.name, i]));
  const dbs = opts.dbs ? new Set(opts.dbs) : undefined;
  const only = opts.commands ? new Set(opts.commands.map((c) => c.toLowerCase())) : undefined;
  const except = opts.excludeCommands ? new Set(opts.excludeCommands.map((c) => c.toLowerCase())) : undefined;
  const keyRe = opts.keyPattern !== undefined ? globToRegExp(opts.keyPattern) : undefined;
  let flushDropped = 0;
  const globalEnd = (file: string, offset: number, length: number) => (partBase[partIndex.get(file) ?? 0] ?? 0) + offset + length;

  const policy: RewritePolicy = {
    salvage: false,
    annotation: (rec) => {
      if (opts.untilTimestamp !== undefined && rec.ts !== undefined && rec.ts > opts.untilTimestamp) return 'stop';
      if (opts.untilOffset !== undefined && globalEnd(rec.file, rec.offset, rec.length) > opts.untilOffset) return 'stop';
      return 'keep';
    },
    command: (rec) => {
      if (opts.untilIndex !== undefined && rec.index >= opts.untilIndex) return 'stop';
      if (opts.untilOffset !== undefined && globalEnd(rec.file, rec.offset, rec.length) > opts.untilOffset) return 'stop';
      const name = rec.args[0]!.toString('latin1').toLowerCase();
      if (isFlush(name) && (opts.dropFlush === 'all' || dropFlushIdx?.has(rec.index))) { flushDropped++; return 'drop'; }
      if (dbs && !dbs.has(rec.db)) return 'drop';
      if (only && !only.has(name)) return 'drop';
      if (except?.has(name)) return 'drop';
      if (keyRe) {
        const k = firstKey(rec);
        if (k !== undefined && !keyRe.test(k.toString('latin1'))) return 'drop';
      }
      return 'keep';
    },
  };
  const report = await rewriteAof(layout, policy, opts.target, opts.progress ? { dropLaterParts: true, progress: opts.progress } : { dropLaterParts: true });
  return { ...report, flushDropped };
}

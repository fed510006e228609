/**
 * CLI commands beyond redis-check-aof: `aof check --strict`, `aof repair`, `aof edit`,
 * `aof stats`. Registered on the `aof` command by tools/cli/aof.ts (kept here so the CLI module
 * stays a thin flag parser).
 */
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.js';
import { RedkitError } from '../errors.js';
import { strictCheck, formatStrict } from './strict.js';
import { repairAof, editAof, type EditOptions } from './edit.js';
import { aofStats, formatStats } from './stats.js';
import type { RewriteReport, RewriteTarget } from './rewrite.js';

/** `done/total` progress on stderr when it is a TTY (nothing otherwise). */
function progressFor(ctx: CliContext, label: string): ((done: number, total: number) => void) | undefined {
  const err = ctx.stderr as NodeJS.WriteStream;
  if (!err.isTTY) return undefined;
  return (done, total) => {
    const pct = total ? Math.floor((done * 100) / total) : 0;
    err.write(done >= total ? '\r\x1b[K' : `\r${label} ${pct}% (${(done / 1e6).toFixed(0)}/${(total / 1e6).toFixed(0)} MB)\x1b[K`);
  };
}

function withProgress<T extends object>(o: T, p: ((done: number, total: number) => void) | undefined): T {
  return p ? { ...o, progress: p } : o;
}

/** Exit codes of `aof check --strict`. */
export const STRICT_EXIT = { loads: 0, refuses: 1, 'loads-truncated': 2 } as const;

export async function runStrictCli(path: string, o: { json: boolean }, ctx: CliContext): Promise<number> {
  const r = await strictCheck(path, withProgress({}, progressFor(ctx, 'strict check')));
  ctx.stdout.write(o.json ? `${JSON.stringify(r, null, 2)}\n` : formatStrict(r));
  return STRICT_EXIT[r.verdict];
}

interface TargetFlags {
  output?: string;
  outDir?: string;
  inPlace?: boolean;
  backup?: string;
}

function target(f: TargetFlags, allowInPlace: boolean): RewriteTarget {
  const n = [f.output, f.outDir, f.inPlace].filter((x) => x !== undefined && x !== false).length;
  if (n !== 1) throw new RedkitError('REDKIT_E_USAGE', `give exactly one of -o FILE, --out-dir DIR${allowInPlace ? ', --in-place' : ''}`);
  if (f.output) return { kind: 'file', path: f.output };
  if (f.outDir) return { kind: 'dir', path: f.outDir };
  if (!allowInPlace) throw new RedkitError('REDKIT_E_USAGE', '--in-place is not available here');
  return f.backup ? { kind: 'in-place', backup: f.backup } : { kind: 'in-place' };
}

function formatReport(r: RewriteReport & { flushDropped?: number }): string {
  const out: string[] = [];
  for (const s of r.skipped) out.push(`skipped ${s.file} bytes ${s.offset}..${s.offset + s.length} (${s.length} bytes): ${s.reason}`);
  for (const t of r.droppedTransactions) out.push(`dropped transaction at ${t.file} offset ${t.offset} (${t.commands} commands): ${t.why}`);
  if (r.stoppedAt) out.push(`stopped at ${r.stoppedAt.file} offset ${r.stoppedAt.offset}: ${r.stoppedAt.why}`);
  if (r.flushDropped) out.push(`dropped ${r.flushDropped} FLUSHALL/FLUSHDB`);
  out.push(`commands read ${r.read}, written ${r.written}, dropped ${r.dropped} (SELECTs re-synthesised)`);
  for (const o of r.outputs) out.push(`wrote ${o}`);
  for (const b of r.backups) out.push(`original kept as ${b}`);
  return `${out.join('\n')}\n`;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];
const int = (name: string) => (v: string) => {
  if (!/^\d+$/.test(v)) throw new RedkitError('REDKIT_E_USAGE', `${name}: expected a non-negative integer, got '${v}'`);
  return Number(v);
};

export function registerAofExtras(aof: Command, ctx: CliContext): void {
  aof
    .command('repair')
    .description('repair offline: --salvage skips damaged ranges and keeps every later command; --truncate cuts at the first damage (any file of a multi-part set)')
    .argument('<path>', 'AOF file, manifest or AOF directory')
    .option('--salvage', 'skip each damaged byte range, keep what follows (default)')
    .option('--truncate', 'cut at the first damage instead')
    .option('-o, --output <file>', 'write one AOF file (RDB preamble kept)')
    .option('--out-dir <dir>', 'write a new multi-part directory with manifest')
    .option('--in-place', 'rewrite the damaged files themselves (atomically, originals kept as .bak) and the manifest')
    .option('--keep-later', 'with --truncate on a multi-part set: keep the files after the damaged one')
    .option('--backup <path>', 'backup name for --in-place (single changed file)')
    .option('--json', 'print the report as JSON')
    .action(async (path: string, f: TargetFlags & { salvage?: boolean; truncate?: boolean; keepLater?: boolean; json?: boolean }) => {
      if (f.salvage && f.truncate) throw new RedkitError('REDKIT_E_USAGE', '--salvage and --truncate exclude each other');
      const r = await repairAof(path, withProgress({ mode: f.truncate ? 'truncate' as const : 'salvage' as const, target: target(f, true), keepLaterParts: !!f.keepLater }, progressFor(ctx, 'repair')));
      ctx.stdout.write(f.json ? `${JSON.stringify(r, null, 2)}\n` : formatReport(r));
    });

  aof
    .command('edit')
    .description('write an edited copy: drop FLUSHALL/FLUSHDB, cut at a timestamp/offset/index, filter by db, command or key')
    .argument('<path>', 'AOF file, manifest or AOF directory')
    .option('--drop-flush [n]', "drop FLUSHALL/FLUSHDB: all of them, or the last N ('--drop-flush 1')")
    .option('--until-timestamp <unix>', 'cut at the first #TS annotation later than this', int('--until-timestamp'))
    .option('--until-offset <bytes>', 'keep records ending at or before this offset (files counted as concatenated)', int('--until-offset'))
    .option('--until-index <n>', 'keep commands with index < n', int('--until-index'))
    .option('--db <n>', 'keep only this db (repeatable)', collect)
    .option('--command <name>', 'keep only this command (repeatable)', collect)
    .option('--exclude-command <name>', 'drop this command (repeatable)', collect)
    .option('--key <glob>', 'keep only commands whose first key matches (keyless commands kept)')
    .option('-o, --output <file>', 'write one AOF file')
    .option('--out-dir <dir>', 'write a new multi-part directory with manifest')
    .option('--json', 'print the report as JSON')
    .action(async (path: string, f: TargetFlags & { dropFlush?: string | boolean; untilTimestamp?: number; untilOffset?: number; untilIndex?: number; db?: string[]; command?: string[]; excludeCommand?: string[]; key?: string; json?: boolean }) => {
      const opts: EditOptions = { target: target(f, false) };
      if (f.dropFlush !== undefined) opts.dropFlush = f.dropFlush === true || f.dropFlush === 'all' ? 'all' : int('--drop-flush')(String(f.dropFlush));
      if (f.untilTimestamp !== undefined) opts.untilTimestamp = f.untilTimestamp;
      if (f.untilOffset !== undefined) opts.untilOffset = f.untilOffset;
      if (f.untilIndex !== undefined) opts.untilIndex = f.untilIndex;
      if (f.db) opts.dbs = f.db.map(int('--db'));
      if (f.command) opts.commands = f.command;
      if (f.excludeCommand) opts.excludeCommands = f.excludeCommand;
      if (f.key !== undefined) opts.keyPattern = f.key;
      const r = await editAof(path, withProgress(opts, progressFor(ctx, 'edit')));
      ctx.stdout.write(f.json ? `${JSON.stringify(r, null, 2)}\n` : formatReport(r));
    });

  aof
    .command('stats')
    .description('commands per name (count, bytes), keys, dbs, time span, transactions, damage')
    .argument('<path>', 'AOF file, manifest or AOF directory')
    .option('--json', 'JSON output')
    .action(async (path: string, f: { json?: boolean }) => {
      const s = await aofStats(path, withProgress({}, progressFor(ctx, 'stats')));
      ctx.stdout.write(f.json ? `${JSON.stringify(s, null, 2)}\n` : formatStats(s));
    });
}

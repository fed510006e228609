/**
 * `redkit aof …`: AOF check (redis-check-aof compatible), loader-faithful check, salvage repair,
 * edits and stats. The library does the work (tools/aof); this module parses flags, prints
 * and sets exit codes.
 *
 *   redkit aof check appendonlydir                       # like redis-check-aof
 *   redkit aof check --fix --yes appendonly.aof          # fix without the question, keep a .bak
 *   redkit aof check --strict appendonlydir              # what redis-server would do
 *   redkit aof repair --salvage appendonly.aof -o fixed.aof
 *   redkit aof edit --drop-flush all appendonlydir -o restored.aof
 *   redkit aof stats appendonlydir
 */
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { RedkitError } from '../errors.js';
import { checkAof } from '../aof/check.js';
import { strictCheck, formatStrict } from '../aof/strict.js';
import { repairAof, editAof, type EditOptions } from '../aof/edit.js';
import { aofStats, formatStats } from '../aof/stats.js';
import type { RewriteReport, RewriteTarget } from '../aof/rewrite.js';

/** Reads the first byte the user types (fgets(buf, 2, stdin)); null on EOF. */
async function askStdin(): Promise<string | null> {
  const stdin = process.stdin;
  return new Promise((resolve) => {
    const onData = (d: Buffer) => { cleanup(); resolve(d.length ? String.fromCharCode(d[0]!) : null); };
    const onEnd = () => { cleanup(); resolve(null); };
    const cleanup = () => { stdin.off('data', onData); stdin.off('end', onEnd); stdin.off('error', onEnd); stdin.pause(); };
    stdin.on('data', onData);
    stdin.once('end', onEnd);
    stdin.once('error', onEnd);
    stdin.resume();
  });
}

/** Draws `name 42% (1.2/3.0 GB)` on stderr when it is a TTY. */
export function progressPrinter(stderr: NodeJS.WritableStream): ((file: string, done: number, total: number) => void) | undefined {
  if (!(stderr as NodeJS.WriteStream).isTTY) return undefined;
  return (file, done, total) => {
    const pct = total ? Math.floor((done * 100) / total) : 0;
    stderr.write(`\r${file} ${pct}% (${(done / 1e6).toFixed(0)}/${(total / 1e6).toFixed(0)} MB)\x1b[K${done >= total ? '\r\x1b[K' : ''}`);
  };
}

function parseTimestamp(s: string): bigint {
  return BigInt(s.trim());
}

interface CheckFlags {
  fix?: boolean;
  yes?: boolean;
  truncateToTimestamp?: string;
  backup?: string;
  strict?: boolean;
  json?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  const aof = program.command('aof').description('AOF files: check/fix (redis-check-aof compatible), strict check, repair, edit, stats');
  aof
    .command('check')
    .description('check an AOF file, manifest or AOF directory like redis-check-aof 7.0 (exit 0 valid, 1 not valid)')
    .argument('<path>', 'AOF file, manifest, or AOF directory')
    .option('--fix', 'truncate the damaged tail (asks first, like redis-check-aof; keeps a backup)')
    .option('-y, --yes', 'answer yes to the --fix question')
    .option('--truncate-to-timestamp <unix>', 'cut the last file at the first #TS annotation newer than this')
    .option('--backup <path>', 'where to keep the original when fixing (default <file>.bak)')
    .option('--strict', 'loader-faithful check: report what redis-server 7.0 would do with these files')
    .option('--json', 'with --strict: machine-readable report')
    .action(async (path: string, flags: CheckFlags) => {
      if (flags.strict) {
        ctx.exitCode = await runStrictCli(path, { json: !!flags.json }, ctx);
        return;
      }
      if (flags.fix && flags.truncateToTimestamp !== undefined) {
        throw new RedkitError('REDKIT_E_USAGE', '--fix and --truncate-to-timestamp cannot be combined (as in redis-check-aof)');
      }
      const out = ctx.stdout;
      if (flags.truncateToTimestamp !== undefined && !/^\s*[+-]?\d+$/.test(flags.truncateToTimestamp)) {
        out.write('Invalid timestamp, aborting...\n');
        ctx.exitCode = 1;
        return;
      }
      const res = await checkAof(path, {
        fix: !!flags.fix,
        yes: !!flags.yes,
        toTimestamp: flags.truncateToTimestamp === undefined ? 0n : parseTimestamp(flags.truncateToTimestamp),
        backup: flags.backup,
        print: (s) => out.write(Buffer.from(s, 'latin1')),
        note: (s) => ctx.stderr.write(s),
        ask: askStdin,
        progress: progressPrinter(ctx.stderr),
      });
      ctx.exitCode = res.exitCode;
    });
  registerAofExtras(aof, ctx);
}

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
const STRICT_EXIT = { loads: 0, refuses: 1, 'loads-truncated': 2 } as const;

async function runStrictCli(path: string, o: { json: boolean }, ctx: CliContext): Promise<number> {
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

function registerAofExtras(aof: Command, ctx: CliContext): void {
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

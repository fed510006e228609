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
import { registerAofExtras, runStrictCli } from '../aof/cli-extras.js';

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

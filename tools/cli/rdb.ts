/**
 * `redkit rdb …` (and the `rdb` bin, which is `redkit rdb`): redis-rdb-tools' command line,
 * byte-compatible, plus the modern subcommands.
 *
 *   rdb --command json dump.rdb                      # exactly like redis-rdb-tools 0.1.15
 *   rdb -c memory -l 10 -f top.csv dump.rdb
 *   rdb -c protocol -n 0 -k 'user:.*' -a 3600 dump.rdb | redis-cli --pipe
 *   redkit rdb check dump.rdb                        # redis-check-rdb's job: exit 0 ok, 1 problem
 *   redkit rdb jsonl dump.rdb | jq -c 'select(.type=="hash")'
 *   redkit rdb memory-csv dump.rdb                   # the memory report as valid CSV
 *   redkit rdb prefixes dump.rdb / redkit rdb bigkeys dump.rdb
 *   redkit rdb slots dump.rdb                        # (tools/cli/rdb-slots.ts)
 *
 * Errors in the dump end the run with `redkit: <what> at offset N` and exit 1; with `-f` the
 * partial output file is removed (AtomicOutput), never left looking complete.
 */
import { Command, Option } from 'commander';
import type { CliContext } from './context.js';
import { RedkitError } from '../errors.js';
import { openInput, openOutput, type OutputSink } from '../io/files.js';
import { readRdbBatches } from '../rdb/reader.js';
import { checkRdb, formatCheckReport } from '../rdb/check.js';
import type { RdbEofRecord } from '../rdb/types.js';
import { ESCAPE_MODES, type EscapeMode } from '../rdb/reports/escape.js';
import { RDBTOOLS_COMMANDS, writeReportFromBatches, type ReportName, type ReportOptions } from '../rdb/reports/index.js';
import { writePrefixReport, writeBigKeysReport } from '../rdb/reports/summary.js';
import { registerRdbSlots } from './rdb-slots.js';

interface RdbtoolsFlags {
  command?: string;
  file?: string;
  db?: string[];
  key?: string;
  notKey?: string;
  type?: string[];
  bytes?: string;
  largest?: string;
  escape?: EscapeMode;
  expire?: boolean; // commander's --no-expire
  amendExpire?: string;
  rdbtoolsStreams?: boolean;
  ignoreCrc?: boolean;
}

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\s*[+-]?\d+\s*$/.test(v)) throw new RedkitError('REDKIT_E_USAGE', `${name}: invalid int value: '${v}'`);
  return Number(v);
}

/** Flags shared by every report command (filters, output file). */
function addFilterOptions(cmd: Command): Command {
  return cmd
    .option('-f, --file <FILE>', 'output file (default: stdout); written atomically')
    .option('-n, --db <DB>', 'database number; may repeat (default: all)', collect)
    .option('-k, --key <RE>', 'keys to export: a Python regular expression matched at the start of the key')
    .option('-o, --not-key <RE>', 'keys not to export (regular expression)')
    .option('-t, --type <TYPE>', 'data types to include: string, hash, set, sortedset, list; may repeat', collect);
}

function reportOptions(flags: RdbtoolsFlags): ReportOptions {
  const dbs = flags.db?.map((d) => {
    const n = int('-n', d);
    if (n === undefined) throw new RedkitError('REDKIT_E_USAGE', `Invalid database number ${d}`);
    return n;
  });
  return {
    dbs,
    keyPattern: flags.key,
    notKeyPattern: flags.notKey,
    types: flags.type,
    escape: flags.escape,
    minBytes: int('-b', flags.bytes),
    largest: int('-l', flags.largest),
    noExpire: flags.expire === false,
    amendExpireSeconds: int('-a', flags.amendExpire),
    rdbtoolsStreams: flags.rdbtoolsStreams,
  };
}

/** Runs one report from DUMP into `-f FILE` (atomic) or stdout; returns the eof record. */
async function runReport(name: ReportName, dump: string, flags: RdbtoolsFlags, ctx: CliContext, ignoreCrc: boolean): Promise<RdbEofRecord | undefined> {
  const opts = reportOptions(flags);
  const input = await openInput(dump, { reuseBuffers: true });
  const sink = await openOutput(flags.file);
  guardStdout(ctx);
  try {
    const eof = await writeReportFromBatches(name, readRdbBatches(input.source, { fileName: input.name, ignoreCrc }), sink, opts);
    await sink.commit();
    return eof;
  } catch (err) {
    await sink.abort();
    throw err;
  }
}

/** A closed stdout (`rdb ... | head`) ends the run quietly instead of with a stack trace. */
function guardStdout(ctx: CliContext): void {
  const out = ctx.stdout as NodeJS.WriteStream;
  if (typeof out.once !== 'function' || out.listenerCount?.('error')) return;
  out.once('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(ctx.exitCode);
    ctx.stderr.write(`redkit: writing output failed: ${err.message}\n`);
    process.exit(1);
  });
}

function warnCrc(eof: RdbEofRecord | undefined, ctx: CliContext): void {
  if (eof?.crc === 'ignored') {
    ctx.stderr.write(`redkit: warning: RDB CRC64 checksum does not match (stored ${eof.storedCrc}); output written anyway, as redis-rdb-tools would (run \`redkit rdb check\`)\n`);
  }
}

export function register(program: Command, ctx: CliContext): void {
  const rdb = program
    .command('rdb')
    .description('RDB dumps: redis-rdb-tools compatible reports (rdb --command ...), check, JSON Lines, memory CSV, prefixes, big keys, slots')
    .usage('[options] /path/to/dump.rdb\n\nExample : rdb --command json -k "user.*" /var/redis/6379/dump.rdb')
    .argument('[dump_file]', 'RDB dump file to process (- for stdin; .lz4 files are decompressed)')
    .addOption(new Option('-c, --command <CMD>', `command to execute: ${RDBTOOLS_COMMANDS.join(', ')}`))
    .option('-b, --bytes <BYTES>', 'memory: only keys of at least this many bytes')
    .option('-l, --largest <N>', 'memory: only the top N keys (by size)')
    .addOption(new Option('-e, --escape <MODE>', 'escape strings: raw (default), print, utf8 (json default) or base64').choices(ESCAPE_MODES as string[]))
    .option('-x, --no-expire', 'protocol: remove expiry from all keys')
    .option('-a, --amend-expire <N>', 'protocol: add N seconds to key expiry time')
    .option('--rdbtools-streams', 'json/justkeyvals/protocol: write streams as rdbtools 0.1.15 does ({} / nothing)')
    .allowExcessArguments(false);
  addFilterOptions(rdb);
  rdb.action(async (dump: string | undefined, flags: RdbtoolsFlags) => {
    if (!flags.command) throw new RedkitError('REDKIT_E_USAGE', 'the following arguments are required: -c/--command (json, diff, justkeys, justkeyvals, memory, protocol), or a subcommand (see redkit rdb --help)');
    if (!(RDBTOOLS_COMMANDS as readonly string[]).includes(flags.command)) throw new RedkitError('REDKIT_E_USAGE', `Invalid Command ${flags.command}`);
    if (dump === undefined) throw new RedkitError('REDKIT_E_USAGE', 'the following arguments are required: dump_file');
    if (flags.expire === false && flags.amendExpire !== undefined) {
      throw new RedkitError('REDKIT_E_USAGE', 'argument -a/--amend-expire: not allowed with argument -x/--no-expire');
    }
    // redis-rdb-tools does not verify the checksum: produce the same output, but say so.
    const eof = await runReport(flags.command as ReportName, dump, flags, ctx, true);
    warnCrc(eof, ctx);
  });

  rdb
    .command('check')
    .description("check a dump like redis-check-rdb: counts of keys, expires and already-expired keys per db, and the first problem with its offset (exit 0 ok, 1 problem)")
    .argument('<dump>', 'RDB file (- for stdin)')
    .action(async (dump: string) => {
      const input = await openInput(dump, { reuseBuffers: true });
      const result = await checkRdb(input.source, { fileName: input.name });
      ctx.stdout.write(formatCheckReport(result));
      if (result.problem) {
        const at = result.problem.offset === undefined ? '' : ` at offset ${result.problem.offset}`;
        ctx.stderr.write(`redkit: ${result.problem.message}${at}\n`);
      }
      ctx.exitCode = result.ok ? 0 : 1;
    });

  const jsonl = rdb
    .command('jsonl')
    .description('JSON Lines: one object per key (db, key, type, encoding, expiry, idle/freq, value); binary-safe')
    .argument('<dump>', 'RDB file (- for stdin)')
    .option('--ignore-crc', 'accept a dump whose CRC64 does not match');
  addFilterOptions(jsonl).action(async (dump: string, flags: RdbtoolsFlags) => {
    await runReport('jsonl', dump, flags, ctx, !!flags.ignoreCrc);
  });

  const csv = rdb
    .command('memory-csv')
    .description('the memory report (same numbers as rdb -c memory) as valid RFC 4180 CSV')
    .argument('<dump>', 'RDB file (- for stdin)')
    .option('-b, --bytes <BYTES>', 'only keys of at least this many bytes')
    .option('-l, --largest <N>', 'only the top N keys (by size)')
    .option('--ignore-crc', 'accept a dump whose CRC64 does not match');
  addFilterOptions(csv).action(async (dump: string, flags: RdbtoolsFlags) => {
    await runReport('memory-csv', dump, flags, ctx, !!flags.ignoreCrc);
  });

  const prefixes = rdb
    .command('prefixes')
    .description('memory and key counts per key prefix (keys split at ":" by default), largest first')
    .argument('<dump>', 'RDB file (- for stdin)')
    .option('-d, --delimiter <CHARS>', 'characters that end a prefix segment', ':')
    .option('--depth <N>', 'number of prefix segments to group by', '1')
    .option('--top <N>', 'print only the N largest prefixes', '50')
    .option('--ignore-crc', 'accept a dump whose CRC64 does not match');
  addFilterOptions(prefixes).action(async (dump: string, flags: RdbtoolsFlags & { delimiter: string; depth: string; top: string }) => {
    const input = await openInput(dump, { reuseBuffers: true });
    const sink = await openOutput(flags.file);
    await guarded(sink, () =>
      writePrefixReport(readRdbBatches(input.source, { fileName: input.name, ignoreCrc: !!flags.ignoreCrc }), sink, {
        ...reportOptions(flags),
        delimiters: flags.delimiter,
        depth: int('--depth', flags.depth) ?? 1,
        top: int('--top', flags.top) ?? 50,
      }),
    );
  });

  const bigkeys = rdb
    .command('bigkeys')
    .description('the largest keys per type (by estimated memory), like redis-cli --bigkeys but offline and exact in element counts')
    .argument('<dump>', 'RDB file (- for stdin)')
    .option('--top <N>', 'keys per type', '5')
    .option('--ignore-crc', 'accept a dump whose CRC64 does not match');
  addFilterOptions(bigkeys).action(async (dump: string, flags: RdbtoolsFlags & { top: string }) => {
    const input = await openInput(dump, { reuseBuffers: true });
    const sink = await openOutput(flags.file);
    await guarded(sink, () =>
      writeBigKeysReport(readRdbBatches(input.source, { fileName: input.name, ignoreCrc: !!flags.ignoreCrc }), sink, { ...reportOptions(flags), top: int('--top', flags.top) ?? 5 }),
    );
  });

  registerRdbSlots(rdb, ctx);
}

async function guarded(sink: OutputSink, run: () => Promise<void>): Promise<void> {
  try {
    await run();
    await sink.commit();
  } catch (err) {
    await sink.abort();
    throw err;
  }
}

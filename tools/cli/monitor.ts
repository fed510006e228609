/**
 * `redkit monitor [FILE|-|redis://host:port]`: analysis of Redis MONITOR output.
 *
 *   redis-cli monitor | redkit monitor                 # corrected report (default)
 *   redkit monitor capture.txt --faina                 # redis-faina's report, byte for byte
 *   redkit monitor capture.txt.lz4 --json              # machine-readable
 *   redkit monitor redis://127.0.0.1:6379 --duration 30s   # sends MONITOR itself
 */
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { RedkitError } from '../errors.js';
import { openMonitorInput } from '../monitor/input.js';
import { FainaAnalyzer } from '../monitor/faina.js';
import { MonitorAnalyzer } from '../monitor/analyze.js';
import { renderReport } from '../monitor/report.js';

interface MonitorCliOptions {
  faina?: boolean;
  json?: boolean;
  prefixDelimiter: string;
  redisVersion?: string;
  duration?: string;
  lines?: string;
  top: string;
  tieOrder: string;
}

interface Sink {
  push(chunk: Buffer): void;
  pushLine(line: Buffer): void;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('monitor')
    .description('analyse Redis MONITOR output (redis-faina style): from a file, stdin, .lz4, or live from redis://host:port')
    .argument('[source]', 'MONITOR capture file, - for stdin (default), or redis://host:port to capture live', '-')
    .option('--faina', "print redis-faina's report, byte for byte (its rules and its mistakes)")
    .option('--json', 'print the (corrected) report as JSON')
    .option('--prefix-delimiter <d>', 'string to split on for delimiting prefix and rest of key', ':')
    .option('--redis-version <v>', 'version of the monitored Redis: decides time attribution (default 7.0; with --faina, 2.6 like redis-faina)')
    .option('--duration <time>', 'live capture: stop after this long (30s, 500ms, 2m)')
    .option('--lines <n>', 'live capture: stop after N lines')
    .option('--top <n>', 'rows per top list (default report)', '8')
    .option('--tie-order <order>', "with --faina: print equal rows by 'name' (default) or in redis-faina's own 'python2' dict order (identical output)", 'name')
    .action(async (source: string, opts: MonitorCliOptions) => {
      if (opts.faina && opts.json) throw new RedkitError('REDKIT_E_USAGE', '--faina and --json cannot be combined');
      const top = Number(opts.top);
      if (!Number.isInteger(top) || top < 1) throw new RedkitError('REDKIT_E_USAGE', `--top must be a positive integer, not ${JSON.stringify(opts.top)}`);
      let faina: FainaAnalyzer | undefined;
      let analyzer: MonitorAnalyzer | undefined;
      let sink: Sink;
      if (opts.faina) {
        let version = 2.6;
        if (opts.redisVersion !== undefined) {
          version = Number(opts.redisVersion);
          if (!Number.isFinite(version)) throw new RedkitError('REDKIT_E_USAGE', `--redis-version must be a number with --faina (like redis-faina), not ${JSON.stringify(opts.redisVersion)}`);
        }
        if (opts.tieOrder !== 'name' && opts.tieOrder !== 'python2') throw new RedkitError('REDKIT_E_USAGE', `--tie-order must be name or python2, not ${JSON.stringify(opts.tieOrder)}`);
        const f = new FainaAnalyzer({ prefixDelimiter: opts.prefixDelimiter, redisVersion: version, tieOrder: opts.tieOrder });
        faina = f;
        sink = { push: (c) => f.push(c), pushLine: (l) => f.push(Buffer.concat([l, Buffer.from('\n')])) };
      } else {
        if (opts.redisVersion !== undefined && !/^\d+(\.\d+)*$/.test(opts.redisVersion)) {
          throw new RedkitError('REDKIT_E_USAGE', `--redis-version must look like 7.0 or 6.2.14, not ${JSON.stringify(opts.redisVersion)}`);
        }
        const a = new MonitorAnalyzer({ prefixDelimiter: opts.prefixDelimiter, top, ...(opts.redisVersion ? { redisVersion: opts.redisVersion } : {}) });
        analyzer = a;
        sink = { push: (c) => a.push(c), pushLine: (l) => a.pushLine(l) };
      }

      if (/^(redis|rediss|unix):\/\//.test(source)) {
        await captureLive(source, opts, sink, ctx);
      } else {
        if (opts.duration !== undefined || opts.lines !== undefined) {
          throw new RedkitError('REDKIT_E_USAGE', '--duration and --lines apply to a live capture (redis://host:port)');
        }
        if (source === '-' && process.stdin.isTTY) {
          ctx.stderr.write('redkit: reading MONITOR output from stdin (pipe `redis-cli monitor` in, or give a file or redis://host:port)\n');
        }
        const input = await openMonitorInput(source);
        try {
          for await (const chunk of input.source) sink.push(chunk);
        } catch (err) {
          if (err instanceof RedkitError) throw err;
          throw new RedkitError('REDKIT_E_MONITOR_INPUT', `${input.name}: ${(err as Error).message}`, { file: input.name, cause: err });
        }
      }

      if (faina) {
        const text = faina.finish();
        await write(ctx.stdout, Buffer.from(text, 'latin1'));
        const { skipped } = faina.counts;
        if (skipped > 0) ctx.stderr.write(`redkit: ${skipped} line(s) did not match redis-faina's format and were skipped (use the default report to see them)\n`);
      } else if (analyzer) {
        const report = analyzer.finish();
        await write(ctx.stdout, opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
        if (report.lines.junk > 0) ctx.stderr.write(`redkit: ${report.lines.junk} junk line(s) skipped (see "Junk Lines" in the report)\n`);
      }
    });
}

async function captureLive(url: string, opts: MonitorCliOptions, sink: Sink, ctx: CliContext): Promise<void> {
  const { captureMonitor, parseDuration } = await import('../monitor/live.js');
  let durationMs: number | undefined;
  let lines: number | undefined;
  if (opts.duration !== undefined) {
    durationMs = parseDuration(opts.duration);
    if (!(durationMs >= 0)) throw new RedkitError('REDKIT_E_USAGE', `--duration must look like 30s, 500ms or 2m, not ${JSON.stringify(opts.duration)}`);
  }
  if (opts.lines !== undefined) {
    lines = Number(opts.lines);
    if (!Number.isInteger(lines) || lines < 0) throw new RedkitError('REDKIT_E_USAGE', `--lines must be a non-negative integer, not ${JSON.stringify(opts.lines)}`);
  }
  const ac = new AbortController();
  const onSigint = (): void => ac.abort();
  process.once('SIGINT', onSigint);
  try {
    if (durationMs === undefined && lines === undefined) ctx.stderr.write('redkit: capturing MONITOR output until Ctrl-C\n');
    await captureMonitor(url, { durationMs, lines, signal: ac.signal, onLine: (l) => sink.pushLine(l) });
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

function write(stream: NodeJS.WritableStream, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(data, (err) => (err ? reject(err) : resolve()));
  });
}

/**
 * `redkit server [CONFIG_FILE] [--port N] [--<redis.conf directive> value …]`: the built-in
 * server configured like redis-server (same directive names; a config file, then command-line
 * directives override it). Logs like redis-server on stdout (or `--logfile`). SIGINT/SIGTERM
 * and SHUTDOWN stop it.
 */
import { appendFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { RedkitError } from '../errors.js';
import { parseConfigFile } from '../server/conf-file.js';
import { ServerState } from '../server/server.js';

/** Splits `--name value [value…]` pairs like redis-server does (a value never starts with --). */
export function parseDirectiveArgs(args: string[]): { file: string | null; directives: [string, string][] } {
  let file: string | null = null;
  const directives: [string, string][] = [];
  let i = 0;
  if (args.length > 0 && !args[0]!.startsWith('--')) { file = args[0]!; i = 1; }
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) throw new RedkitError('REDKIT_E_USAGE', `unexpected argument '${a}' (directives are --name value)`);
    const name = a.slice(2);
    const vals: string[] = [];
    while (i + 1 < args.length && !args[i + 1]!.startsWith('--')) vals.push(args[++i]!);
    directives.push([name, vals.join(' ')]);
  }
  return { file, directives };
}

function logLine(role: string, msg: string): string {
  const d = new Date();
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getMonth()];
  const ts = `${String(d.getDate()).padStart(2, '0')} ${mon} ${d.getFullYear()} ${d.toTimeString().slice(0, 8)}.${String(d.getMilliseconds()).padStart(3, '0')}`;
  return `${process.pid}:${role} ${ts} * ${msg}\n`;
}

export async function runServer(args: string[], ctx: CliContext): Promise<void> {
  const { file, directives } = parseDirectiveArgs(args);
  const all: [string, string][] = [...(file ? parseConfigFile(file) : []), ...directives];
  let logfile = '';
  for (const [k, v] of all) if (k === 'logfile') logfile = v;
  const write = (line: string) => {
    if (logfile) appendFileSync(logfile, line);
    else ctx.stdout.write(line);
  };
  const log = (msg: string) => write(logLine('M', msg));
  let state: ServerState;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => { resolveDone = r; });
  try {
    state = new ServerState({ log, onShutdown: () => resolveDone(), configFile: file ?? '' });
    for (const [k, v] of all) {
      if (k === 'logfile') continue;
      const err = state.applyStartupDirective(k, v);
      if (err) throw new RedkitError('REDKIT_E_CONFIG', `*** FATAL CONFIG FILE ERROR *** '${k} ${v}': ${err}`);
    }
  } catch (e) {
    if (e instanceof RedkitError) throw e;
    throw new RedkitError('REDKIT_E_CONFIG', e instanceof Error ? e.message : String(e));
  }
  write(logLine('C', 'oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo'));
  write(logLine('C', `Redis version=7.0.15 (redkit), bits=64, pid=${process.pid}, just started`));
  if (file) write(logLine('C', 'Configuration loaded'));
  else write(logLine('C', 'Warning: no config file specified, using the default config. In order to specify a config file use redkit server /path/to/redis.conf'));
  let port: number;
  try {
    port = await state.listen();
  } catch (e) {
    throw new RedkitError('REDKIT_E_IO', `Could not create server TCP listening socket ${state.config.get('bind')}:${state.config.get('port')}: ${e instanceof Error ? e.message : String(e)}`);
  }
  log(`Running mode=standalone, port=${port}.`);
  log('Server initialized');
  log('Ready to accept connections');
  const stop = (sig: string) => {
    log(`Received ${sig} scheduling shutdown...`);
    state.shutdown();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  await done;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('server')
    .description('run the built-in Redis-compatible server (redis-server directives: [config-file] [--port 6380] [--requirepass x] …)')
    .argument('[args...]', 'optional config file, then --directive value pairs')
    .allowUnknownOption(true)
    .helpOption('--help-server', 'show help for the server command')
    .action(async (args: string[]) => {
      await runServer(args, ctx);
    });
}

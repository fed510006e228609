/**
 * `redkit` entry point. Thin by design: it builds the commander program from the family
 * modules, runs it, and turns errors into `redkit: <message>` plus a non-zero exit code.
 * A RedkitError never prints a stack trace; an unexpected error prints one line too, and the
 * stack only with REDKIT_DEBUG=1.
 */
import { Command, CommanderError } from 'commander';
import { isRedkitError } from '../errors.js';
import type { CliContext, RegisterCommands } from './context.js';
import { register as registerRdb } from './rdb.js';
import { register as registerAof } from './aof.js';
import { register as registerMonitor } from './monitor.js';
import { register as registerSlot } from './slot.js';
import { register as registerServer } from './server.js';
import { register as registerExporter } from './exporter.js';
import { register as registerStart } from './start.js';

const FAMILIES: RegisterCommands[] = [registerRdb, registerAof, registerMonitor, registerSlot, registerServer, registerExporter, registerStart];

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('redkit')
    .description('Redis persistence files (RDB, AOF), MONITOR analysis, hash slots, exporter and a built-in server')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    });
  for (const register of FAMILIES) register(program, ctx);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const ctx: CliContext = { exitCode: 0, stdout: process.stdout, stderr: process.stderr };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    return reportError(err, ctx);
  }
}

export function reportError(err: unknown, ctx: CliContext): number {
  if (err instanceof CommanderError) {
    // Help and version are "errors" in commander's exitOverride mode; their exit code is 0.
    return err.exitCode;
  }
  if (isRedkitError(err)) {
    ctx.stderr.write(`redkit: ${err.describe()}\n`);
    return 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  ctx.stderr.write(`redkit: internal error: ${message}\n`);
  if (process.env.REDKIT_DEBUG === '1' && err instanceof Error && err.stack) ctx.stderr.write(`${err.stack}\n`);
  return 70; // EX_SOFTWARE
}

/**
 * `redkit` entry point. Thin by design: it builds the commander program from the family
 * modules, runs it, and turns errors into `redkit: <message>` plus a non-zero exit code.
 * A RedkitError never prints a stack trace; an unexpected error prints one line too, and the
 * stack only with REDKIT_DEBUG=1.
 */
import { Command, CommanderError } from 'commander';
import { isRedkitError } from '../errors.js';
import type { CliContext, RegisterCommands } from './context.js';

/**
 * Family modules by top-level command name. Each is imported only when its command runs (or all
 * of them for help and unknown commands): a family pulls in its whole library (the server, the
 * exporter's fastify, the RDB reports), and `redkit slot` should not pay for `redkit server`.
 */
const FAMILIES: Record<string, () => Promise<{ register: RegisterCommands }>> = {
  rdb: () => import('./rdb.js'),
  aof: () => import('./aof.js'),
  monitor: () => import('./monitor.js'),
  slot: () => import('./slot.js'),
  server: () => import('./server.js'),
  exporter: () => import('./exporter.js'),
  start: () => import('./start.js'),
};

export async function buildProgram(ctx: CliContext, argv: string[] = []): Promise<Command> {
  const program = new Command('redkit')
    .description('Redis persistence files (RDB, AOF), MONITOR analysis, hash slots, exporter and a built-in server')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    });
  const first = argv[0];
  const load = first !== undefined && Object.hasOwn(FAMILIES, first) ? [FAMILIES[first]!] : Object.values(FAMILIES);
  for (const family of await Promise.all(load.map((f) => f()))) family.register(program, ctx);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const ctx: CliContext = { exitCode: 0, stdout: process.stdout, stderr: process.stderr };
  const program = await buildProgram(ctx, argv);
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

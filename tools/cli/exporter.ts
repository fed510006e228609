/**
 * `redkit exporter`: the Prometheus exporter with redis_exporter's flags and environment
 * variables (see exporter/options.ts). Runs until SIGINT/SIGTERM, then closes cleanly.
 */
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { FLAGS, parseFlags, resolveFlags } from '../../exporter/options.js';
import { startExporter } from '../../exporter/app.js';

function helpText(): string {
  const lines = ['', 'Flags (also accepted Go-style with one dash; each defaults to its environment variable):'];
  for (const f of FLAGS) {
    const def = f.default ? ` (default ${JSON.stringify(f.default)})` : '';
    lines.push(`  --${f.flag}${f.kind === 'bool' ? '[=bool]' : ' VALUE'}  ${f.help}${def}${f.env ? ` [$${f.env}]` : ''}`);
  }
  return lines.join('\n');
}

/** Resolves when the process gets SIGINT or SIGTERM. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('exporter')
    .description('Prometheus exporter for Redis, drop-in for redis_exporter 1.45 (/metrics, /scrape?target=, /health)')
    .helpOption('-h, --help', 'show the flags')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .addHelpText('after', helpText())
    .action(async (_opts: unknown, cmd: Command) => {
      const { options, warnings } = resolveFlags(parseFlags(cmd.args, process.env));
      for (const w of warnings) ctx.stderr.write(`redkit exporter: ${w}\n`);
      const running = await startExporter({ ...options, log: (l) => ctx.stderr.write(`${l}\n`) });
      await untilSignal();
      await running.close();
      ctx.exitCode = 0;
    });
}

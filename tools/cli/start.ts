/**
 * `redkit start` (what `npm start` runs): the built-in server on 127.0.0.1:6379 with its data
 * in ./data, and the exporter on 127.0.0.1:9121 scraping it. Ctrl-C / SIGTERM stops both:
 * the exporter first (so no scrape races the shutdown), then the server.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { RedkitError } from '../errors.js';
import { startExporter } from '../../exporter/app.js';
import { untilSignal } from './exporter.js';

interface ServerHandleLike {
  port: number;
  close(): Promise<void>;
}
type StartServer = (options: Record<string, unknown>) => Promise<ServerHandleLike>;

/**
 * The built-in server is loaded at run time so this command builds even while the server
 * module is being written; a missing server is a clear error, not a crash.
 */
async function loadStartServer(): Promise<StartServer> {
  const candidates = ['../server/index.js', '../server/server.js'];
  for (const path of candidates) {
    try {
      const mod = (await import(path)) as { startServer?: StartServer };
      if (typeof mod.startServer === 'function') return mod.startServer;
    } catch {
      // try the next one
    }
  }
  throw new RedkitError('REDKIT_E_USAGE', 'the built-in server is not available in this build (tools/server)');
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('start')
    .description('built-in server on 127.0.0.1:6379 (data in ./data) plus the exporter on 127.0.0.1:9121')
    .option('--port <n>', 'server port', '6379')
    .option('--bind <addr>', 'server bind address', '127.0.0.1')
    .option('--dir <path>', 'server data directory', './data')
    .option('--web.listen-address <addr>', 'exporter listen address', '127.0.0.1:9121')
    .action(async (opts: Record<string, string>) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RedkitError('REDKIT_E_USAGE', `--port: invalid port "${opts.port}"`);
      const dir = resolve(opts.dir ?? './data');
      mkdirSync(dir, { recursive: true });
      const startServer = await loadStartServer();
      const bind = opts.bind ?? '127.0.0.1';
      // Options named after redis.conf directives; `config` carries the rest (dir …).
      const server = await startServer({ port, bind: [bind], dir, config: { dir } }).catch((err: unknown) => {
        const reason = (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 'address already in use' : (err as Error).message;
        throw new RedkitError('REDKIT_E_USAGE', `server could not listen on ${bind}:${port}: ${reason}`, { cause: err });
      });
      const log = (l: string) => ctx.stderr.write(`${l}\n`);
      log(`redkit start: server listening on ${bind}:${server.port}, data in ${dir}`);
      let exporter;
      try {
        exporter = await startExporter({
          addr: `redis://${bind === '0.0.0.0' || bind === '*' ? '127.0.0.1' : bind}:${server.port}`,
          listenAddress: opts['web.listenAddress'] ?? '127.0.0.1:9121',
          telemetryPath: '/metrics',
          namespace: 'redis',
          timeoutMs: 15_000,
          log,
        });
      } catch (err) {
        await server.close();
        const reason = (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 'address already in use' : (err as Error).message;
        throw new RedkitError('REDKIT_E_USAGE', `exporter could not listen on ${opts['web.listenAddress']}: ${reason}`, { cause: err });
      }
      const sig = await untilSignal();
      log(`redkit start: ${sig}, shutting down`);
      await exporter.close();
      await server.close();
      ctx.exitCode = 0;
    });
}

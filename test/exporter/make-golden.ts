/**
 * Regenerates fixtures/exporter/redis_exporter-1.45-*.golden.txt: real redis_exporter 1.45
 * (Debian prometheus-redis-exporter) scraping the replay server, i.e. computing its metrics
 * from exactly the corpus captures our golden test feeds to our collector. go_/process_
 * families are dropped (runtime noise). Run: npx vite-node test/exporter/make-golden.ts
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { corpusReplies, startReplayServer } from './replay-server.js';
import { freePort, waitForPort } from '../helpers/real-redis.js';

const CASES = [
  { name: 'master', role: 'master', flags: [] },
  { name: 'replica', role: 'replica', flags: [] },
  { name: 'replica-linkdown', role: 'replica-linkdown', flags: [] },
  { name: 'master-config', role: 'master', flags: ['-include-system-metrics', '-include-config-metrics', '-export-client-list'] },
] as const;

for (const c of CASES) {
  const srv = await startReplayServer(corpusReplies(c.role));
  const port = await freePort();
  const proc = spawn('prometheus-redis-exporter', ['-redis.addr', `redis://127.0.0.1:${srv.port}`, '-web.listen-address', `127.0.0.1:${port}`, ...c.flags], { stdio: 'ignore' });
  await waitForPort(port);
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  proc.kill('SIGTERM');
  await srv.close();
  const kept: string[] = [];
  for (const line of text.split('\n')) {
    if (/^(# (HELP|TYPE) )?(go|process)_/.test(line)) continue;
    if (line) kept.push(line);
  }
  writeFileSync(`fixtures/exporter/redis_exporter-1.45-${c.name}.golden.txt`, kept.join('\n') + '\n');
  console.log(c.name, kept.length, 'lines; commands:', [...new Set(srv.commands.map((a) => a.join(' ')))].join(' | '));
}

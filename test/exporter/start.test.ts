/**
 * `redkit start` (npm start): built-in server + exporter scraping it; SIGTERM stops both and
 * the process exits 0. Uses random ports and a temp data dir instead of 6379/9121/./data.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, waitForPort, requiredInCi } from '../helpers/real-redis.js';
import { parseExposition } from './exposition.js';

// The built-in server is another family's module; this test runs once it is in the build.
const serverBuilt = existsSync('tools/server/server.ts') || existsSync('tools/server/index.ts');

describe.skipIf(!requiredInCi(serverBuilt, 'a built dist/ (npm run build)'))('redkit start', () => {
  it('serves the built-in server and the exporter, and stops both on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redkit-start-'));
    const port = await freePort();
    const webPort = await freePort();
    const proc = spawn(process.execPath, ['bin/redkit.js', 'start', '--port', String(port), '--dir', join(dir, 'data'),
      '--web.listen-address', `127.0.0.1:${webPort}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr!.on('data', (d) => { stderr += d; });
    try {
      const died = new Promise<never>((_, reject) => proc.once('exit', (c) => reject(new Error(`redkit start exited with ${c}: ${stderr}`))));
      await Promise.race([died, waitForPort(webPort, 15_000)]).catch((err: unknown) => {
        throw new Error(`redkit start did not serve: ${stderr}`, { cause: err });
      });
      await waitForPort(port, 5_000);
      const text = await (await fetch(`http://127.0.0.1:${webPort}/metrics`)).text();
      const p = parseExposition(text);
      expect(p.samples.get('redis_up{}'), stderr).toBe(1);
      expect(p.samples.has('redis_master_repl_offset{}')).toBe(true);
      expect([...p.samples.keys()].some((k) => k.startsWith('redis_instance_info{') && k.includes('role="master"'))).toBe(true);
      const exited = new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
      proc.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(existsSync(join(dir, 'data'))).toBe(true);
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

#!/usr/bin/env node
// `npm run bench`: runs every family's benchmark (bench/<family>/index.ts, compiled to
// dist/bench/<family>/index.js) one after the other, so they do not compete for the 2 cores.
// `npm run bench -- rdb aof` runs only the named families.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const distBench = join(root, 'dist', 'bench');
const wanted = process.argv.slice(2);
const families = existsSync(distBench)
  ? readdirSync(distBench).filter((f) => existsSync(join(distBench, f, 'index.js'))).sort()
  : [];
const run = wanted.length ? families.filter((f) => wanted.includes(f)) : families;
if (run.length === 0) {
  console.error(`no benchmarks found${wanted.length ? ` for ${wanted.join(', ')}` : ''} (did npm run build run?)`);
  process.exit(1);
}
let failed = 0;
for (const family of run) {
  console.log(`\n=== bench/${family} ===`);
  const r = spawnSync(process.execPath, [join(distBench, family, 'index.js')], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) {
    failed++;
    console.error(`bench/${family} exited with ${r.status ?? r.signal}`);
  }
}
process.exit(failed ? 1 : 0);

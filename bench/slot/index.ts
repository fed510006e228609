/**
 * Hash-slot benchmark: keySlot() throughput on Buffer keys and on latin1 string keys (the
 * built-in server's key form). Keys are 1M generated keys of 8..40 bytes, 1/4 with a hashtag.
 *
 *   npm run build && node dist/bench/slot/index.js
 *
 * Target (issue 4): >= 10M Buffer keys/s and >= 3M string keys/s. Best of 5 rounds is
 * reported, because the machine is shared and rounds interrupted by other work are slower.
 */
import { keySlot } from '../../tools/slot/index.js';

function makeKeys(n: number): Buffer[] {
  const keys: Buffer[] = [];
  let seed = 12345;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  for (let i = 0; i < n; i++) {
    const id = Math.floor(rnd() * 1e9);
    const kind = i % 4;
    const s = kind === 0 ? `user:{${id}}:profile` : kind === 1 ? `session:${id}:${'x'.repeat(Math.floor(rnd() * 20))}` : kind === 2 ? `key:${id}` : `cache:page:/p/${id}?q=${id % 97}`;
    keys.push(Buffer.from(s));
  }
  return keys;
}

/** Best of 5 rounds, by wall time and by CPU time (user+system; unaffected by other processes). */
function run<T extends Buffer | string>(keys: T[]): { perSec: number; perCpuSec: number; check: number } {
  let best = Infinity;
  let bestCpu = Infinity;
  let check = 0;
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let acc = 0;
    for (let i = 0; i < keys.length; i++) acc = (acc + keySlot(keys[i]!)) | 0;
    const c = process.cpuUsage(c0);
    const ms = performance.now() - t0;
    check = acc;
    if (ms < best) best = ms;
    bestCpu = Math.min(bestCpu, (c.user + c.system) / 1000);
  }
  return { perSec: keys.length / (best / 1000), perCpuSec: keys.length / (bestCpu / 1000), check };
}

const N = 1_000_000;
const buffers = makeKeys(N);
const strings = buffers.map((b) => b.toString('latin1'));
const avg = buffers.reduce((s, b) => s + b.length, 0) / N;
const b = run(buffers);
const s = run(strings);
if (b.check !== s.check) throw new Error('Buffer and string slots differ');
console.log(`keys: ${N}, average ${avg.toFixed(1)} bytes`);
console.log(`keySlot(Buffer): ${(b.perSec / 1e6).toFixed(1)} M keys/s wall, ${(b.perCpuSec / 1e6).toFixed(1)} M keys/s CPU (target 10)`);
console.log(`keySlot(string): ${(s.perSec / 1e6).toFixed(1)} M keys/s wall, ${(s.perCpuSec / 1e6).toFixed(1)} M keys/s CPU (target 3)`);

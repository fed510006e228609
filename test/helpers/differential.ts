/**
 * Shared pieces of the server's differential tests: a seeded PRNG (mulberry32) for command
 * sequences, and `run`, which sends one command through ioredis and turns an error reply into a
 * comparable `ERR:<message>` string, so replies of the built-in server and real redis-server
 * can be compared with one toEqual.
 */
import type { Redis } from 'ioredis';

export async function run(r: Redis, args: (string | number)[]): Promise<unknown> {
  try {
    return await r.call(String(args[0]), ...args.slice(1).map(String));
  } catch (e) {
    return `ERR:${(e as Error).message}`;
  }
}

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Deterministic key corpus for slot tests: brace edge cases, UTF-8, binary and long keys. */
import { rng } from '../helpers/rng.js';

const FIXED = [
  '', '{', '}', '{}', '}{', '{{', '}}', '{{}}', '{}{}', 'foo{}{bar}', 'foo{{bar}}zap', 'foo{bar}{zap}',
  '{user1000}.following', '{user1000}.followers', 'a{b', 'a}b', 'a}b{c}', '{a}', 'x{a}', '{a}x', 'x{}', '{}x',
  '{ }', '{\u0000}', 'user:{42}:profile', '{{a}', '{a}}', '}{a}', 'unicode:ключ', 'emoji:😀', 'emoji:{😀}',
  '{ключ}:x', 'key with spaces', 'tab\tkey', 'newline\nkey', 'quote"inside', 'back\\slash',
];

export function edgeCaseKeys(n: number, seed: number): Buffer[] {
  const r = rng(seed);
  const keys: Buffer[] = FIXED.map((s) => Buffer.from(s));
  const alphabet = Buffer.from('ab{}{}:_-0123456789xyz');
  while (keys.length < n) {
    const kind = Math.floor(r() * 6);
    const len = kind === 5 ? 256 + Math.floor(r() * 20000) : Math.floor(r() * 24);
    const k = Buffer.alloc(len);
    for (let i = 0; i < len; i++) {
      if (kind === 0 || kind === 5) k[i] = alphabet[Math.floor(r() * alphabet.length)]!; // brace-heavy
      else if (kind === 1) k[i] = Math.floor(r() * 256); // binary, incl. NUL and 0xff
      else k[i] = 0x20 + Math.floor(r() * 95); // printable ASCII
    }
    if (kind === 2) keys.push(Buffer.from(`utf8:{${'αβγ€😀'.slice(0, 1 + Math.floor(r() * 5))}}:${k.toString('latin1')}`));
    else if (kind === 3 && len > 2) { k[Math.floor(r() * len)] = 0x7b; k[Math.floor(r() * len)] = 0x7d; keys.push(k); }
    else keys.push(k);
  }
  return keys;
}

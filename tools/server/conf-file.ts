/**
 * redis.conf parsing: one directive per line, arguments split with sdssplitargs rules
 * (quotes, escapes), '#' comments. Returns [name, value] pairs in file order (a directive may
 * repeat, e.g. `save`, `rename-command`, `user`).
 */
import { readFileSync } from 'node:fs';
import { splitArgs } from '../resp/index.js';
import { RedkitError } from '../errors.js';

export function parseConfigText(text: string, file = 'redis.conf'): [string, string][] {
  const out: [string, string][] = [];
  let offset = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const lineOffset = offset;
    offset += raw.length + 1;
    if (line === '' || line.startsWith('#')) continue;
    const args = splitArgs(Buffer.from(line, 'latin1'));
    if (args === null) throw new RedkitError('REDKIT_E_CONFIG', `Unbalanced quotes in configuration line in ${file}`, { file, offset: lineOffset });
    if (args.length === 0) continue;
    const parts = args;
    out.push([parts[0]!.toLowerCase(), parts.slice(1).join(' ')]);
  }
  return out;
}

export function parseConfigFile(path: string): [string, string][] {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch (e) {
    throw new RedkitError('REDKIT_E_NOT_FOUND', `Fatal error, can't open config file '${path}'`, { file: path, cause: e });
  }
  return parseConfigText(text, path);
}

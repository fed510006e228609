#!/usr/bin/env node
/**
 * Regenerates command-docs-table.ts (COMMAND DOCS data) from a Redis source tree:
 *
 *   npm run build && node tools/server/util/command-docs.gen.mjs /work/redis-7.0.15
 *
 * Reads <redis>/src/commands/*.json and keeps only the commands and subcommands the built
 * server's command table has (dist/tools/server/commands/index.js, hence the build first).
 * Mirrors what Redis's utils/generate-command-code.py puts in commands.c: argument names
 * lowercased, tokens uppercased, empty strings treated as absent, a subcommand's group taken
 * from its container. Any field it does not know stops it, so no data is dropped silently.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const redisDir = process.argv[2];
if (!redisDir) {
  console.error('usage: node tools/server/util/command-docs.gen.mjs <redis source tree>');
  process.exit(2);
}
const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '../../..');
const { ALL_COMMANDS } = await import(join(root, 'dist/tools/server/commands/index.js'));

const TYPE_CODES = {
  string: 's', integer: 'i', double: 'd', key: 'k', pattern: 'p', 'unix-time': 'u', 'pure-token': 't', oneof: 'o', block: 'b',
};
const ARG_FIELDS = new Set(['name', 'type', 'key_spec_index', 'token', 'since', 'deprecated_since', 'optional', 'multiple',
  'multiple_token', 'arguments']);
const DOC_FLAGS = ['deprecated', 'syscmd']; // addReplyDocFlagsForCommand's order

const fail = (msg) => { throw new Error(msg); };

/**
 * What the C compiler makes of `"VALUE"` as generate-command-code.py writes it (no escaping): a
 * `"` inside VALUE ends one literal and starts the next, so MIGRATE's token `""` becomes the
 * adjacent literals `""""`, i.e. an empty string, and that is what Redis replies.
 */
function cLiteral(v) {
  const parts = `"${v}"`.match(/"[^"]*"/g);
  if (!parts || parts.join('') !== `"${v}"` || v.includes('\\')) fail(`cannot read "${v}" as C string literals`);
  return parts.map((p) => p.slice(1, -1)).join('');
}

/** Reply strings of command groups (Redis's COMMAND_GROUP_STR): sorted_set is 'sorted-set'. */
const GROUPS = {
  generic: 'generic', string: 'string', list: 'list', set: 'set', sorted_set: 'sorted-set', hash: 'hash', pubsub: 'pubsub',
  transactions: 'transactions', connection: 'connection', server: 'server', scripting: 'scripting', hyperloglog: 'hyperloglog',
  cluster: 'cluster', sentinel: 'sentinel', geo: 'geo', stream: 'stream', bitmap: 'bitmap',
};

/** One argument in the table's notation (see the header of command-docs-table.ts). */
function encodeArg(a, where) {
  for (const k of Object.keys(a)) if (!ARG_FIELDS.has(k)) fail(`${where}: argument field '${k}' is not supported`);
  const name = a.name.toLowerCase();
  if (!/^[a-z0-9_\-/:]+$/.test(name)) fail(`${where}: argument name '${name}'`);
  const type = TYPE_CODES[a.type] ?? fail(`${where}: argument type '${a.type}'`);
  let s = `${name}.${type}`;
  if (a.key_spec_index !== undefined) s += `#${a.key_spec_index}`;
  if (a.token) {
    const t = cLiteral(a.token.toUpperCase());
    s += /^[A-Z0-9_-]+$/.test(t) ? `=${t}` : `=${JSON.stringify(t)}`;
  }
  if (a.since) s += `@${a.since}`;
  if (a.deprecated_since) s += `!${a.deprecated_since}`;
  if (a.optional) s += '?';
  if (a.multiple) s += '*';
  if (a.multiple_token) s += '+';
  if (a.type === 'oneof' || a.type === 'block') s += `(${encodeArgs(a.arguments ?? [], `${where} ${name}`)})`;
  return s;
}

const encodeArgs = (args, where) => args.map((a) => encodeArg(a, where)).join(' ');

/** A single-quoted TypeScript string literal. */
const q = (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;

function entry(desc, group, where) {
  const docFlags = (desc.doc_flags ?? []).map((f) => f.toLowerCase());
  for (const f of docFlags) if (!DOC_FLAGS.includes(f)) fail(`${where}: doc flag '${f}'`);
  const deprecation = docFlags.length || desc.deprecated_since || desc.replaced_by
    ? [DOC_FLAGS.filter((f) => docFlags.includes(f)).join(' '), desc.deprecated_since ?? '', cLiteral(desc.replaced_by ?? '')].join('|') : '';
  if ((desc.replaced_by ?? '').includes('|')) fail(`${where}: '|' in replaced_by`);
  const history = (desc.history ?? []).map(([since, changes]) => {
    if (!/^[0-9.]+$/.test(since)) fail(`${where}: history version '${since}'`);
    return `${since} ${cLiteral(changes)}`;
  });
  const fields = [q(cLiteral(desc.summary ?? '')), q(desc.since ?? ''), q(group), q(cLiteral(desc.complexity ?? '')),
    q(encodeArgs(desc.arguments ?? [], where)), history.length ? `[${history.map(q).join(', ')}]` : '[]', q(deprecation)];
  // Trailing absent fields are left out.
  while (fields.length > 3 && (fields.at(-1) === "''" || fields.at(-1) === '[]')) fields.pop();
  return `[${fields.join(', ')}]`;
}

// Redis's metadata: 'name' or 'container|name' -> desc.
const redis = new Map();
const cmdDir = join(redisDir, 'src/commands');
for (const f of readdirSync(cmdDir).filter((n) => n.endsWith('.json')).sort()) {
  for (const [name, desc] of Object.entries(JSON.parse(readFileSync(join(cmdDir, f), 'utf8')))) {
    const full = desc.container ? `${desc.container.toLowerCase()}|${name.toLowerCase()}` : name.toLowerCase();
    redis.set(full, desc);
  }
}

const lines = [];
const missing = [];
const add = (full, group) => {
  const desc = redis.get(full);
  if (!desc) { missing.push(full); return; }
  const key = /^[a-z_][a-z0-9_]*$/.test(full) ? full : q(full);
  lines.push(`  ${key}: ${entry(desc, group, full)},`);
};
for (const spec of [...ALL_COMMANDS].sort((a, b) => (a.name < b.name ? -1 : 1))) {
  const desc = redis.get(spec.name);
  const group = desc ? GROUPS[desc.group] ?? fail(`${spec.name}: group '${desc.group}'`) : '';
  add(spec.name, group);
  for (const sub of [...(spec.subcommands ?? [])].sort((a, b) => (a.name < b.name ? -1 : 1))) add(sub.name, group);
}
if (missing.length) console.error(`not in Redis's metadata (left out): ${missing.join(' ')}`);

const header = `/**
 * COMMAND DOCS data: Redis 7.0.15's command documentation (src/commands/*.json, which Redis
 * compiles into src/commands.c) for the commands this server implements. Generated; do not edit.
 * Regenerate with:
 *
 *   npm run build && node tools/server/util/command-docs.gen.mjs /path/to/redis-7.0.15
 *
 * One entry per command or 'container|subcommand', absent trailing fields left out:
 *
 *   [summary, since, group, complexity, arguments, history, deprecation]
 *   history:     ['VERSION CHANGES', ...]
 *   deprecation: 'DOC_FLAGS|DEPRECATED_SINCE|REPLACED_BY' (doc flags space-separated)
 *   arguments:   space-separated, each  NAME.TYPE[#KEY_SPEC][=TOKEN][@SINCE][!DEPRECATED_SINCE][?][*][+][(ARGUMENTS)]
 *     TYPE: s string, i integer, d double, k key, p pattern, u unix-time, t pure-token, o oneof, b block
 *     TOKEN: [A-Z0-9_-]+ or a JSON string literal;  ? optional, * multiple, + multiple_token
 *
 * Sample: SET's  key.k#0 value.s get.t=GET@6.2.0? expiration.o?(seconds.i=EX ...)
 */
`;
const out = `${header}export type DocEntry = readonly [string, string, string, string?, string?, (readonly string[])?, string?];

export const DOCS: Record<string, DocEntry> = {
${lines.join('\n')}
};
`;
const target = join(here, 'command-docs-table.ts');
writeFileSync(target, out);
console.log(`${target}: ${lines.length} entries, ${out.length} bytes`);

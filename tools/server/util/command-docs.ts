/**
 * COMMAND DOCS: Redis 7.0.15's documentation of each command (summary, since, group,
 * complexity, doc flags, deprecation, history, arguments), read from the compact table in
 * command-docs-table.ts (generated from Redis's src/commands/*.json; its header gives the
 * notation and how to regenerate it). Entries are decoded on first use and cached.
 */
import { DOCS, type DocEntry } from './command-docs-table.js';

/** Argument types by their one-letter code, named as Redis's ARG_TYPE_STR. */
const ARG_TYPES: Record<string, string> = {
  s: 'string', i: 'integer', d: 'double', k: 'key', p: 'pattern', u: 'unix-time', t: 'pure-token', o: 'oneof', b: 'block',
};

/** One element of a command's `arguments` (Redis's redisCommandArg). */
export interface CommandArg {
  name: string;
  type: string;
  keySpecIndex?: number;
  token?: string;
  since?: string;
  deprecatedSince?: string;
  /** In Redis's reply order: optional, multiple, multiple_token. */
  flags: string[];
  /** The alternatives of a oneof, the parts of a block. */
  args?: CommandArg[];
}

export interface CommandDoc {
  summary: string;
  since: string;
  group: string;
  complexity?: string;
  /** In Redis's reply order: deprecated, syscmd. */
  docFlags: string[];
  deprecatedSince?: string;
  replacedBy?: string;
  history: [since: string, changes: string][];
  args: CommandArg[];
}

const cache = new Map<string, CommandDoc>();

/** The docs of a command or 'container|subcommand' (lowercase), or undefined when Redis has none. */
export function commandDocOf(name: string): CommandDoc | undefined {
  let doc = cache.get(name);
  if (doc) return doc;
  const e = Object.hasOwn(DOCS, name) ? DOCS[name] : undefined;
  if (!e) return undefined;
  doc = decode(e, name);
  cache.set(name, doc);
  return doc;
}

function decode(e: DocEntry, name: string): CommandDoc {
  const [summary, since, group, complexity = '', args = '', history = [], deprecation = ''] = e;
  const [docFlags = '', deprecatedSince = '', replacedBy = ''] = deprecation.split('|');
  const doc: CommandDoc = {
    summary, since, group, docFlags: docFlags.split(' ').filter(Boolean),
    history: history.map((h) => { const sp = h.indexOf(' '); return [h.slice(0, sp), h.slice(sp + 1)]; }),
    args: args ? new ArgParser(args, name).list() : [],
  };
  if (complexity) doc.complexity = complexity;
  if (deprecatedSince) doc.deprecatedSince = deprecatedSince;
  if (replacedBy) doc.replacedBy = replacedBy;
  return doc;
}

/** Reads the argument notation: NAME.TYPE[#KEY_SPEC][=TOKEN][@SINCE][!DEPRECATED_SINCE][?][*][+][(ARGS)]. */
class ArgParser {
  #pos = 0;
  readonly #s: string;
  readonly #where: string;

  constructor(s: string, where: string) {
    this.#s = s;
    this.#where = where;
  }

  list(): CommandArg[] {
    const out: CommandArg[] = [];
    for (;;) {
      out.push(this.#arg());
      if (this.#s[this.#pos] !== ' ') return out;
      this.#pos++;
    }
  }

  #arg(): CommandArg {
    const name = this.#run(/[a-z0-9_\-/:]/);
    if (this.#s[this.#pos++] !== '.') this.#fail('expected .TYPE');
    const type = ARG_TYPES[this.#s[this.#pos++] ?? ''] ?? this.#fail('unknown type');
    const a: CommandArg = { name, type, flags: [] };
    if (this.#eat('#')) a.keySpecIndex = Number(this.#run(/[0-9]/));
    if (this.#eat('=')) a.token = this.#s[this.#pos] === '"' ? this.#json() : this.#run(/[A-Z0-9_-]/);
    if (this.#eat('@')) a.since = this.#run(/[0-9.]/);
    if (this.#eat('!')) a.deprecatedSince = this.#run(/[0-9.]/);
    if (this.#eat('?')) a.flags.push('optional');
    if (this.#eat('*')) a.flags.push('multiple');
    if (this.#eat('+')) a.flags.push('multiple_token');
    if (this.#eat('(')) {
      a.args = this.list();
      if (!this.#eat(')')) this.#fail('expected )');
    }
    return a;
  }

  #eat(ch: string): boolean {
    if (this.#s[this.#pos] !== ch) return false;
    this.#pos++;
    return true;
  }

  #run(re: RegExp): string {
    const start = this.#pos;
    while (this.#pos < this.#s.length && re.test(this.#s[this.#pos]!)) this.#pos++;
    if (this.#pos === start) this.#fail('empty field');
    return this.#s.slice(start, this.#pos);
  }

  /** A JSON string literal (a token with characters outside [A-Z0-9_-], e.g. MIGRATE's `""`). */
  #json(): string {
    let end = this.#pos + 1;
    while (end < this.#s.length && this.#s[end] !== '"') end += this.#s[end] === '\\' ? 2 : 1;
    const lit = this.#s.slice(this.#pos, end + 1);
    this.#pos = end + 1;
    return JSON.parse(lit) as string;
  }

  #fail(what: string): never {
    throw new Error(`command-docs-table ${this.#where}: ${what} at ${this.#pos} in '${this.#s}'`);
  }
}

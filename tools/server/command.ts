/**
 * The command table: commands are data (name, arity, flags, key positions, group, since) plus a
 * handler, like Redis's src/commands/*.json. The same table drives dispatch, arity checks,
 * COMMAND / COMMAND INFO|DOCS|GETKEYS, ACL categories and whether a command is propagated.
 *
 * Every family module (commands/string.ts, commands/list.ts …) exports
 * `export const commands = [...] satisfies CommandSpec[]`; commands/index.ts builds the registry.
 */
import type { Db, RedisType, RedisValue } from './db.js';
import type { ServerState } from './server.js';
import type { ClientState } from './client.js';
import type { ReplyWriter } from './reply.js';

export type CommandFlag = 'write' | 'readonly' | 'denyoom' | 'admin' | 'pubsub' | 'noscript'
  | 'blocking' | 'loading' | 'stale' | 'skip_monitor' | 'skip_slowlog' | 'fast' | 'no_auth'
  | 'may_replicate' | 'no_mandatory_keys' | 'no_multi' | 'allow_busy' | 'sentinel' | 'no_async_loading';

export interface CommandSpec {
  /** Lowercase, e.g. 'lpush'; subcommands are named 'config|get'. */
  name: string;
  /** Redis semantics: N exact, -N at least N (incl. the command name). */
  arity: number;
  flags: CommandFlag[];
  /** 0,0,0 when no keys; lastKey -1 = last arg, -2 = second to last. */
  firstKey: number; lastKey: number; keyStep: number;
  /** For commands whose keys are not first/last/step (ZUNIONSTORE numkeys, XREAD STREAMS…). */
  getKeys?: (argv: string[]) => number[];
  /** 'string' | 'list' | 'hash' | 'set' | 'sorted_set' | 'stream' | 'generic' | 'server' | … */
  group: string;
  since: string;
  /** Extra ACL categories beyond those implied by flags/group (without '@'). */
  aclCategories?: string[];
  subcommands?: CommandSpec[];
  /** Short summary for COMMAND DOCS. */
  summary?: string;
  handler: CommandHandler;
  /** Flag bits (F.*), filled in by the CommandTable (the dispatcher's hot path tests these). */
  bits?: number;
  /** Process-wide numeric id, filled in by the CommandTable (per-server stats arrays). */
  id?: number;
}

/** Flag bits for the dispatcher's hot path (a bit test instead of a flags.includes scan). */
export const F = {
  WRITE: 1, READONLY: 2, DENYOOM: 4, ADMIN: 8, NO_AUTH: 16, NO_MULTI: 32, STALE: 64,
  MAY_REPLICATE: 128, SKIP_SLOWLOG: 256, SKIP_MONITOR: 512, FAST: 1024,
} as const;

const FLAG_BITS: Partial<Record<CommandFlag, number>> = {
  write: F.WRITE, readonly: F.READONLY, denyoom: F.DENYOOM, admin: F.ADMIN, no_auth: F.NO_AUTH,
  no_multi: F.NO_MULTI, stale: F.STALE, may_replicate: F.MAY_REPLICATE, skip_slowlog: F.SKIP_SLOWLOG,
  skip_monitor: F.SKIP_MONITOR, fast: F.FAST,
};

let nextSpecId = 0;

/** Fills in `bits` and `id` (idempotent: specs are module constants shared by every server). */
export function prepareSpec(spec: CommandSpec): CommandSpec {
  if (spec.id === undefined) {
    let b = 0;
    for (const f of spec.flags) b |= FLAG_BITS[f] ?? 0;
    spec.bits = b;
    spec.id = nextSpecId++;
  }
  for (const sub of spec.subcommands ?? []) prepareSpec(sub);
  return spec;
}

export interface BlockRequest {
  block: {
    keys: string[];
    /** Relative timeout in ms; 0 = forever. */
    timeoutMs: number;
    /** Called with a fresh context when a key is signalled ready; return true when served. */
    /** `readyKey`: the key whose change woke the client (Redis serves that key first). */
    onReady: (c: CommandContext, readyKey?: string) => boolean;
    /** Called at the deadline: reply null / nil array as Redis does. */
    onTimeout: (c: CommandContext) => void;
    /** Optional: called when the client is unblocked without being served (CLIENT UNBLOCK, disconnect). */
    onCancel?: () => void;
  };
}

/** Returns nothing (reply written), or a BlockRequest. (Returning the writer is allowed for terse arrows.) */
export type CommandHandler = (c: CommandContext, argv: string[]) => void | BlockRequest | ReplyWriter;

/** Keyspace notification classes (notify-keyspace-events letters in comments). */
export type NotifyClass = 'generic' /* g */ | 'string' /* $ */ | 'list' /* l */ | 'set' /* s */
  | 'hash' /* h */ | 'zset' /* z */ | 'stream' /* t */ | 'expired' /* x */ | 'evicted' /* e */
  | 'keymiss' /* m */ | 'new' /* n */ | 'module' /* d */;

/** What a handler gets. One context object per client, reused between commands. */
export interface CommandContext {
  /** The client's selected database. */
  db: Db;
  server: ServerState;
  client: ClientState;
  /** Write the reply here: reply.bulk(s), reply.integer(n) … */
  reply: ReplyWriter;
  /** The command being executed (its spec; for subcommands the parent). */
  cmd: CommandSpec | undefined;
  /** True while running inside MULTI/EXEC (blocking commands must not block). */
  readonly inMulti: boolean;
  /** The ms clock for this command (fixed during one command). */
  now(): number;
  /** Marks the keyspace modified: bumps dirty, touches WATCHed keys (keyspace events: call notify). */
  signalModified(key: string, db?: Db): void;
  notify(type: NotifyClass, event: string, key: string, db?: Db): void;
  /** Wakes clients blocked on this key (list push, zadd, xadd…). */
  signalKeyAsReady(key: string, db?: Db): void;
  /** Replace what will be propagated to AOF/replicas (e.g. SPOP -> SREM, EXPIRE -> PEXPIREAT). */
  rewriteForPropagation(argv: string[]): void;
  /**
   * Propagates an extra command after this one (XREADGROUP -> XCLAIM …). Once called, the
   * command itself is not propagated (Redis's preventCommandPropagation), unless
   * rewriteForPropagation is also used.
   */
  alsoPropagate(argv: string[], db?: Db): void;
  /** Hides argv[i] from SLOWLOG and MONITOR (passwords): redactClientCommandArgument. */
  redactArg(i: number): void;
  /** Adds to the server's dirty counter (changes since last save); signalModified adds 1. */
  addDirty(n: number): void;
  wrongType(): void;
  syntaxError(): void;
  /** Replies `-ERR value is not an integer or out of range` (or `-ERR <what>`) and returns null on failure. */
  parseInt(s: string, what?: string): number | null;
  /** Replies `-ERR value is not a valid float` and returns null on failure. */
  parseFloat(s: string): number | null;
  /** Typed lookup shortcut: `c.lookup(key, 'list', true)` (see Db.lookupTyped). */
  lookup<T extends RedisValue>(key: string, type: Exclude<RedisType, 'string'>, forWrite: boolean): T | undefined | null;
}

/** Arity check with Redis semantics. */
export function arityOk(spec: CommandSpec, argc: number): boolean {
  return spec.arity > 0 ? argc === spec.arity : argc >= -spec.arity;
}

/** Key positions of argv per the spec (getKeys wins). */
export function commandKeys(spec: CommandSpec, argv: string[]): number[] {
  if (spec.getKeys) return spec.getKeys(argv);
  if (spec.firstKey <= 0) return [];
  let last = spec.lastKey;
  if (last < 0) last = argv.length + last;
  const out: number[] = [];
  const step = spec.keyStep || 1;
  for (let i = spec.firstKey; i <= last && i < argv.length; i += step) out.push(i);
  return out;
}

/** ACL categories implied by flags and group, plus the declared extra ones. */
export function aclCategoriesOf(spec: CommandSpec): string[] {
  const cats = new Set<string>();
  const f = new Set(spec.flags);
  if (f.has('write')) cats.add('write');
  if (f.has('readonly')) cats.add('read');
  if (f.has('admin')) { cats.add('admin'); cats.add('dangerous'); }
  if (f.has('pubsub')) cats.add('pubsub');
  if (f.has('fast')) cats.add('fast'); else cats.add('slow');
  if (f.has('blocking')) cats.add('blocking');
  const g = spec.group;
  if (g === 'string' || g === 'list' || g === 'hash' || g === 'set' || g === 'stream' || g === 'bitmap' || g === 'geo' || g === 'hyperloglog') cats.add(g);
  if (g === 'sorted_set') cats.add('sortedset');
  if (g === 'generic') cats.add('keyspace');
  if (g === 'transactions') cats.add('transaction');
  if (g === 'connection') cats.add('connection');
  if (g === 'scripting') cats.add('scripting');
  for (const c of spec.aclCategories ?? []) cats.add(c.replace(/^@/, ''));
  return [...cats];
}

/** The registry: lookup by name (any case) and by 'parent|sub'. */
export class CommandTable {
  readonly #byName = new Map<string, CommandSpec>();
  /** Original (non-renamed) specs, for COMMAND output. */
  readonly #all: CommandSpec[] = [];

  constructor(specs: Iterable<CommandSpec>) {
    for (const s of specs) this.add(s);
  }

  add(spec: CommandSpec): void {
    if (this.#byName.has(spec.name)) throw new Error(`duplicate command ${spec.name}`);
    prepareSpec(spec);
    this.#all.push(spec);
    this.#put(spec.name, spec);
  }

  #put(name: string, spec: CommandSpec): void {
    this.#byName.set(name, spec);
    this.#byName.set(name.toUpperCase(), spec);
  }

  /** Lookup of argv[0] as sent (fast path for all-lower / all-upper). */
  get(name: string): CommandSpec | undefined {
    return this.#byName.get(name) ?? this.#byName.get(name.toLowerCase());
  }

  /** Subcommand lookup: returns the subcommand spec or undefined. */
  sub(parent: CommandSpec, name: string): CommandSpec | undefined {
    if (!parent.subcommands) return undefined;
    const want = `${parent.name}|${name.toLowerCase()}`;
    return parent.subcommands.find((s) => s.name === want);
  }

  /** `rename-command OLD NEW` (NEW = '' disables). */
  rename(oldName: string, newName: string): boolean {
    const spec = this.get(oldName);
    if (!spec) return false;
    this.#byName.delete(spec.name);
    this.#byName.delete(spec.name.toUpperCase());
    if (newName !== '') this.#put(newName.toLowerCase(), spec);
    return true;
  }

  all(): readonly CommandSpec[] { return this.#all; }
  get size(): number { return this.#all.length; }
}

/**
 * Compact spec builder: `def('get', 2, 'readonly fast', [1, 1, 1], 'string', '1.0.0', handler)`.
 * Flags are space-separated; keys are [firstKey, lastKey, keyStep].
 */
export function def(name: string, arity: number, flags: string, keys: [number, number, number], group: string, since: string,
  handler: CommandHandler, extra: Partial<Omit<CommandSpec, 'name' | 'arity' | 'flags' | 'group' | 'since' | 'handler'>> = {}): CommandSpec {
  return {
    name, arity, flags: flags.split(/\s+/).filter(Boolean) as CommandFlag[],
    firstKey: keys[0], lastKey: keys[1], keyStep: keys[2], group, since, handler, ...extra,
  };
}

/** A container command (CONFIG, CLIENT, OBJECT …): dispatch goes to `subcommands`. */
export function container(name: string, group: string, since: string, subcommands: CommandSpec[], flags = ''): CommandSpec {
  return {
    name, arity: -2, flags: flags.split(/\s+/).filter(Boolean) as CommandFlag[], firstKey: 0, lastKey: 0, keyStep: 0,
    group, since, subcommands,
    handler: (c, argv) => { c.reply.error(`ERR unknown subcommand '${argv[1] ?? ''}'. Try ${name.toUpperCase()} HELP.`); },
  };
}

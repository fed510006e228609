/**
 * ACL users, to the extent of ACL SETUSER/GETUSER/DELUSER/LIST/USERS/WHOAMI/CAT with command,
 * key and channel permissions, AUTH and requirepass (which sets the default user's password).
 * Command rules are kept in order (as Redis prints them) and evaluated last-match-wins.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { CommandSpec } from './command.js';
import { commandKeys } from './command.js';
import { aclCategoriesFor } from './util/acl-categories.js';
import type { ClientState } from './client.js';
import { globMatch } from './util/glob.js';

export const ACL_CATEGORIES = ['keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap',
  'hyperloglog', 'geo', 'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection',
  'transaction', 'scripting'];

interface User {
  name: string;
  enabled: boolean;
  nopass: boolean;
  passwords: Set<string>;
  /** Ordered command rules: '+@all', '-get', '+config|get' … (starts with -@all). */
  cmdRules: string[];
  keys: string[];
  allKeys: boolean;
  channels: string[];
  allChannels: boolean;
  cache: Map<string, boolean>;
}

interface AclHost {
  table: { all(): readonly CommandSpec[]; get(name: string): CommandSpec | undefined };
  config: { get(name: string): string };
}

function sha256(s: string): string {
  return createHash('sha256').update(Buffer.from(s, 'latin1')).digest('hex');
}

export class Acl {
  readonly users = new Map<string, User>();
  /** Bumped on every change (callers cache permission facts). */
  generation = 0;
  readonly #host: AclHost;
  log: { count: number; reason: string; context: string; object: string; username: string; createdAt: number; updatedAt: number; clientInfo: string }[] = [];

  constructor(host: AclHost) {
    this.#host = host;
    this.users.set('default', this.#newUser('default', true));
  }

  #newUser(name: string, isDefault = false): User {
    const u: User = { name, enabled: isDefault, nopass: isDefault, passwords: new Set(), cmdRules: isDefault ? ['+@all'] : ['-@all'], keys: isDefault ? ['*'] : [], allKeys: isDefault, channels: isDefault ? ['*'] : [], allChannels: isDefault, cache: new Map() };
    if (!isDefault && this.#host.config.get('acl-pubsub-default') === 'allchannels') { u.allChannels = true; u.channels = ['*']; }
    return u;
  }

  /** True when the default user needs no password (new connections start authenticated). */
  defaultNoAuth(): boolean {
    const d = this.users.get('default')!;
    return d.enabled && d.nopass;
  }

  /** Fast path: default user with every permission. */
  defaultIsAllPowerful(): boolean {
    const d = this.users.get('default')!;
    return d.allKeys && d.allChannels && d.cmdRules.length === 1 && d.cmdRules[0] === '+@all';
  }

  setDefaultPassword(pass: string | null): void {
    this.generation++;
    const d = this.users.get('default')!;
    d.passwords.clear();
    if (pass === null) d.nopass = true;
    else { d.nopass = false; d.passwords.add(sha256(pass)); }
  }

  /** AUTH: returns true when the pair is valid. */
  authenticate(user: string, pass: string): boolean {
    const u = this.users.get(user);
    if (!u || !u.enabled) return false;
    if (u.nopass) return true;
    return u.passwords.has(sha256(pass));
  }

  /** ACL SETUSER name rule…: returns an error text or null. */
  setUser(args: string[]): string | null {
    const [name, ...rules] = args;
    if (!name) return 'ERR wrong number of arguments';
    const existing = this.users.get(name);
    const u: User = existing ? { ...existing, passwords: new Set(existing.passwords), cmdRules: [...existing.cmdRules], keys: [...existing.keys], channels: [...existing.channels], cache: new Map() } : this.#newUser(name);
    for (const rule of rules) {
      const err = this.#applyRule(u, rule);
      if (err) return `ERR Error in ACL SETUSER modifier '${rule}': ${err}`;
    }
    this.users.set(name, u);
    this.generation++;
    return null;
  }

  #applyRule(u: User, rule: string): string | null {
    const l = rule.toLowerCase();
    if (l === 'on') u.enabled = true;
    else if (l === 'off') u.enabled = false;
    else if (l === 'nopass') { u.nopass = true; u.passwords.clear(); }
    else if (l === 'resetpass') { u.nopass = false; u.passwords.clear(); }
    else if (l === 'allkeys' || rule === '~*') { u.allKeys = true; u.keys = ['*']; }
    else if (l === 'resetkeys') { u.allKeys = false; u.keys = []; }
    else if (l === 'allchannels' || rule === '&*') { u.allChannels = true; u.channels = ['*']; }
    else if (l === 'resetchannels') { u.allChannels = false; u.channels = []; }
    else if (l === 'allcommands') u.cmdRules = ['+@all'];
    else if (l === 'nocommands') u.cmdRules = ['-@all'];
    else if (l === 'reset') {
      const fresh = this.#newUser(u.name);
      Object.assign(u, fresh, { enabled: false, allChannels: false, channels: [] });
    } else if (rule.startsWith('>')) { u.passwords.add(sha256(rule.slice(1))); u.nopass = false; }
    else if (rule.startsWith('<')) { u.passwords.delete(sha256(rule.slice(1))); }
    else if (rule.startsWith('#')) {
      if (!/^#[0-9a-f]{64}$/.test(rule)) return 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters';
      u.passwords.add(rule.slice(1)); u.nopass = false;
    } else if (rule.startsWith('!')) u.passwords.delete(rule.slice(1));
    else if (rule.startsWith('~')) { if (!u.allKeys) u.keys.push(rule.slice(1)); }
    else if (rule.startsWith('%')) {
      const m = /^%(R|W|RW|WR)~(.*)$/i.exec(rule);
      if (!m) return 'Syntax error';
      if (!u.allKeys) u.keys.push(m[2]!);
    } else if (rule.startsWith('&')) { if (!u.allChannels) u.channels.push(rule.slice(1)); }
    else if (rule.startsWith('+') || rule.startsWith('-')) {
      const what = l.slice(1);
      if (what.startsWith('@')) {
        const cat = what.slice(1);
        if (cat !== 'all' && !ACL_CATEGORIES.includes(cat)) return 'Unknown command or category name in ACL';
        if (cat === 'all') u.cmdRules = [rule[0] + '@all'];
        else u.cmdRules.push(rule[0] + '@' + cat);
      } else {
        const [base, sub] = what.split('|');
        const spec = this.#host.table.get(base!);
        if (!spec) return 'Unknown command or category name in ACL';
        if (sub !== undefined && !spec.subcommands?.some((s) => s.name === `${base}|${sub}`)) {
          if (rule[0] === '-') return 'Unknown command or category name in ACL';
        }
        u.cmdRules.push(rule[0] + what);
      }
    } else return 'Syntax error';
    u.cache.clear();
    return null;
  }

  deleteUser(name: string): boolean {
    if (name === 'default') return false;
    this.generation++;
    return this.users.delete(name);
  }

  #commandAllowed(u: User, spec: CommandSpec): boolean {
    const cached = u.cache.get(spec.name);
    if (cached !== undefined) return cached;
    const cats = aclCategoriesFor(spec);
    const parent = spec.name.includes('|') ? spec.name.split('|')[0]! : spec.name;
    let allowed = false;
    for (const r of u.cmdRules) {
      const plus = r[0] === '+';
      const what = r.slice(1);
      if (what === '@all') allowed = plus;
      else if (what.startsWith('@')) { if (cats.includes(what.slice(1))) allowed = plus; }
      else if (what === spec.name || what === parent) allowed = plus;
    }
    u.cache.set(spec.name, allowed);
    return allowed;
  }

  /** Permission check for a command: returns the NOPERM error text or null. */
  check(c: ClientState, spec: CommandSpec, argv: string[]): string | null {
    const u = this.users.get(c.user);
    if (!u) return 'NOPERM User disabled';
    if (!this.#commandAllowed(u, spec)) {
      this.#logEntry(c, 'command', spec.name);
      return `NOPERM this user has no permissions to run the '${spec.name}' command`;
    }
    if (!u.allKeys) {
      for (const i of commandKeys(spec, argv)) {
        const k = argv[i];
        if (k === undefined) continue;
        if (!u.keys.some((p) => globMatch(p, k))) {
          this.#logEntry(c, 'key', k);
          return 'NOPERM this user has no permissions to access one of the keys used as arguments';
        }
      }
    }
    if (!u.allChannels && (spec.name === 'publish' || spec.name === 'subscribe' || spec.name === 'spublish' || spec.name === 'ssubscribe' || spec.name === 'psubscribe')) {
      const chans = spec.name.endsWith('publish') ? [argv[1]!] : argv.slice(1);
      for (const ch of chans) {
        const ok = spec.name === 'psubscribe' ? u.channels.includes(ch) : u.channels.some((p) => globMatch(p, ch));
        if (!ok) {
          this.#logEntry(c, 'channel', ch);
          return 'NOPERM this user has no permissions to access one of the channels used as arguments';
        }
      }
    }
    return null;
  }

  #logEntry(c: ClientState, reason: string, object: string): void {
    const now = Date.now();
    const last = this.log[0];
    if (last && last.reason === reason && last.object === object && last.username === c.user) {
      last.count++; last.updatedAt = now; return;
    }
    this.log.unshift({ count: 1, reason, context: c.multi ? 'multi' : 'toplevel', object, username: c.user, createdAt: now, updatedAt: now, clientInfo: `id=${c.id} addr=${c.addr}` });
    if (this.log.length > 128) this.log.length = 128;
  }

  /** ACL LIST line for a user. */
  describe(name: string): string {
    const u = this.users.get(name)!;
    const parts = [`user ${u.name}`, u.enabled ? 'on' : 'off'];
    if (u.nopass) parts.push('nopass');
    for (const p of u.passwords) parts.push(`#${p}`);
    if (u.allKeys) parts.push('~*');
    else for (const k of u.keys) parts.push(`~${k}`);
    if (u.allChannels) parts.push('&*');
    else { parts.push('resetchannels'); for (const ch of u.channels) parts.push(`&${ch}`); }
    parts.push(...this.#rulesText(u));
    return parts.join(' ');
  }

  #rulesText(u: User): string[] {
    const rules = [...u.cmdRules];
    if (rules[0] !== '+@all' && rules[0] !== '-@all') rules.unshift('-@all');
    return rules;
  }

  /** ACL GETUSER reply fields. */
  getUser(name: string): { flags: string[]; passwords: string[]; commands: string; keys: string; channels: string } | null {
    const u = this.users.get(name);
    if (!u) return null;
    const flags = [u.enabled ? 'on' : 'off'];
    if (u.nopass) flags.push('nopass');
    return {
      flags,
      passwords: [...u.passwords],
      commands: this.#rulesText(u).join(' '),
      keys: u.allKeys ? '~*' : u.keys.map((k) => `~${k}`).join(' '),
      channels: u.allChannels ? '&*' : u.channels.map((c) => `&${c}`).join(' '),
    };
  }

  genpass(bits = 256): string {
    return randomBytes(Math.ceil(bits / 8)).toString('hex').slice(0, Math.ceil(bits / 4));
  }

  /** Commands in an ACL category (ACL CAT name). */
  commandsInCategory(cat: string): string[] | null {
    if (!ACL_CATEGORIES.includes(cat)) return null;
    const out: string[] = [];
    for (const s of this.#host.table.all()) {
      if (aclCategoriesFor(s).includes(cat)) out.push(s.name);
      for (const sub of s.subcommands ?? []) if (aclCategoriesFor(sub).includes(cat)) out.push(sub.name);
    }
    return out;
  }
}

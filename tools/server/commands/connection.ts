/**
 * Connection commands: PING, ECHO, SELECT, QUIT, RESET, HELLO, AUTH and CLIENT.
 */
import { container, def, type CommandContext, type CommandSpec } from '../command.js';
import type { ClientState } from '../client.js';
import type { ServerState } from '../server.js';
import { REDIS_VERSION } from '../server.js';
import { clientTrackingSubcommands } from './tracking.js';

/** One CLIENT LIST / CLIENT INFO line (Redis 7.0 field set and order). */
export function clientInfoLine(server: ServerState, c: ClientState): string {
  const now = server.clock();
  let qbuf = c.parser ? c.parser.pending : 0;
  // The caller's own command is still in its query buffer while it runs (as in Redis).
  if (c === server.currentClient && c.curArgv) {
    qbuf += 1 + String(c.curArgv.length).length + 2;
    for (const a of c.curArgv) qbuf += 1 + String(a.length).length + 2 + a.length + 2;
  }
  const multi = c.multi ? c.multi.length : -1;
  const obl = c.reply.length;
  return `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=${c.fd} name=${c.name} age=${Math.floor((now - c.createdAt) / 1000)} idle=${Math.floor((now - c.lastInteraction) / 1000)} flags=${c.flagString()} db=${c.dbIndex} sub=${c.channels.size} psub=${c.patterns.size} ssub=${c.shardChannels.size} multi=${multi} qbuf=${qbuf} qbuf-free=${qbuf ? 20474 - Math.min(qbuf, 20474) : 0} argv-mem=0 multi-mem=0 rbs=1024 rbp=0 obl=${obl} oll=0 omem=0 tot-mem=${22426 + qbuf + obl} events=r cmd=${c.lastCmd} user=${c.user} redir=${c.tracking ? c.tracking.redirect : -1} resp=${c.resp}`;
}

function validName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch < 33 || ch > 126) return false;
  }
  return true;
}

/** Resets a client's connection state (RESET, HELLO AUTH re-use). */
export function resetClient(c: CommandContext): void {
  const cl = c.client;
  const srv = c.server;
  cl.multi = null; cl.dirtyExec = false;
  srv.unwatchAll(cl);
  srv.unsubscribeAll(cl, false);
  srv.monitors.delete(cl);
  cl.monitor = false;
  srv.selectDb(cl, 0);
  cl.resp = 2; cl.reply.protocol = 2;
  cl.name = '';
  srv.tracking.disable(cl);
  cl.noEvict = false;
  cl.noTouch = false;
  cl.replyMode = 'on';
  cl.user = 'default';
  cl.authenticated = srv.acl.defaultNoAuth();
}

function doAuth(c: CommandContext, user: string, pass: string): boolean {
  if (c.server.acl.authenticate(user, pass)) {
    c.client.user = user;
    c.client.authenticated = true;
    return true;
  }
  return false;
}

function clientsMatching(c: CommandContext, argv: string[], start: number): ClientState[] | string {
  let list = [...c.server.clients.values()];
  let skipme = true;
  for (let i = start; i < argv.length; i += 2) {
    const f = argv[i]!.toLowerCase();
    const v = argv[i + 1];
    if (v === undefined) return 'ERR syntax error';
    if (f === 'id') {
      const id = Number(v);
      if (!/^\d+$/.test(v) || id <= 0) return 'ERR client-id should be greater than 0';
      list = list.filter((x) => x.id === id);
    } else if (f === 'addr') list = list.filter((x) => x.addr === v);
    else if (f === 'laddr') list = list.filter((x) => x.laddr === v);
    else if (f === 'type') {
      const t = v.toLowerCase();
      if (t === 'normal') list = list.filter((x) => !x.inPubSub && !x.isMaster);
      else if (t === 'pubsub') list = list.filter((x) => x.inPubSub);
      else if (t === 'master') list = list.filter((x) => x.isMaster);
      else if (t === 'replica' || t === 'slave') list = [];
      else return `ERR Unknown client type '${v}'`;
    } else if (f === 'user') {
      if (!c.server.acl.users.has(v)) return `ERR No such user '${v}'`;
      list = list.filter((x) => x.user === v);
    } else if (f === 'skipme') {
      const l = v.toLowerCase();
      if (l === 'yes') skipme = true; else if (l === 'no') skipme = false; else return 'ERR syntax error';
    } else if (f === 'maxage') {
      const age = Number(v);
      if (!/^\d+$/.test(v)) return 'ERR syntax error';
      list = list.filter((x) => (c.server.clock() - x.createdAt) / 1000 >= age);
    } else return 'ERR syntax error';
  }
  if (skipme) list = list.filter((x) => x !== c.client);
  return list;
}

function killClient(c: CommandContext, target: ClientState): void {
  if (target === c.client) {
    c.client.closeAfterReply = true;
  } else {
    c.server.freeClient(target);
  }
}

const CLIENT_HELP = ['CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:', 'CACHING (YES|NO)', 'GETNAME', 'GETREDIR', 'ID', 'INFO', 'KILL <ip:port>', 'KILL <option> <value> [<option> <value> [...]]', 'LIST [options ...]', 'UNPAUSE', 'PAUSE <timeout> [WRITE|ALL]', 'REPLY (ON|OFF|SKIP)', 'SETNAME <name>', 'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]] [OPTIN] [OPTOUT] [NOLOOP]', 'TRACKINGINFO', 'UNBLOCK <clientid> [TIMEOUT|ERROR]', 'NO-EVICT (ON|OFF)', 'HELP'];

export const commands: CommandSpec[] = [
  def('ping', -1, 'fast sentinel', [0, 0, 0], 'connection', '1.0.0', (c, argv) => {
    if (argv.length > 2) { c.reply.error("ERR wrong number of arguments for 'ping' command"); return; }
    if (c.client.resp === 2 && c.client.inPubSub) {
      c.reply.arrayHeader(2); c.reply.bulk('pong'); c.reply.bulk(argv.length === 2 ? argv[1]! : '');
      return;
    }
    if (argv.length === 2) c.reply.bulk(argv[1]!); else c.reply.simple('PONG');
  }),
  def('echo', 2, 'fast loading stale', [0, 0, 0], 'connection', '1.0.0', (c, argv) => { c.reply.bulk(argv[1]!); }),
  def('select', 2, 'loading stale fast', [0, 0, 0], 'connection', '1.0.0', (c, argv) => {
    const n = c.parseInt(argv[1]!);
    if (n === null) return;
    if (n < 0 || n >= c.server.dbs.length) { c.reply.error('ERR DB index is out of range'); return; }
    c.server.selectDb(c.client, n);
    c.reply.ok();
  }),
  def('quit', -1, 'allow_busy noscript loading stale fast no_auth', [0, 0, 0], 'connection', '1.0.0', (c) => {
    c.reply.ok();
    c.client.closeAfterReply = true;
  }),
  def('reset', 1, 'noscript loading stale fast no_auth allow_busy', [0, 0, 0], 'connection', '6.2.0', (c) => {
    resetClient(c);
    c.reply.simple('RESET');
  }),
  def('auth', -2, 'noscript loading stale fast no_auth sentinel allow_busy', [0, 0, 0], 'connection', '1.0.0', (c, argv) => {
    for (let i = 1; i < argv.length; i++) c.redactArg(i);
    if (argv.length > 3) { c.syntaxError(); return; }
    if (argv.length === 2 && c.server.acl.defaultNoAuth() && c.server.requirePass === null) {
      c.reply.error('ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?');
      return;
    }
    const user = argv.length === 3 ? argv[1]! : 'default';
    const pass = argv[argv.length - 1]!;
    if (doAuth(c, user, pass)) c.reply.ok();
    else c.reply.error('WRONGPASS invalid username-password pair or user is disabled.');
  }),
  def('hello', -1, 'noscript loading stale fast no_auth sentinel allow_busy', [0, 0, 0], 'connection', '6.0.0', (c, argv) => {
    let ver = 0;
    let i = 1;
    if (argv.length >= 2) {
      const v = Number(argv[1]);
      if (!/^-?\d+$/.test(argv[1]!)) { c.reply.error('ERR Protocol version is not an integer or out of range'); return; }
      ver = v;
      i = 2;
      if (ver < 2 || ver > 3) { c.reply.error('NOPROTO unsupported protocol version'); return; }
    }
    let setName: string | null = null;
    for (; i < argv.length; i++) {
      const o = argv[i]!.toLowerCase();
      const left = argv.length - i - 1;
      if (o === 'auth' && left >= 2) {
        c.redactArg(i + 1); c.redactArg(i + 2);
        if (!doAuth(c, argv[i + 1]!, argv[i + 2]!)) { c.reply.error('WRONGPASS invalid username-password pair or user is disabled.'); return; }
        i += 2;
      } else if (o === 'setname' && left >= 1) {
        setName = argv[++i]!;
        if (!validName(setName)) { c.reply.error('ERR Client names cannot contain spaces, newlines or special characters.'); return; }
      } else { c.reply.error(`ERR Syntax error in HELLO option '${argv[i]}'`); return; }
    }
    if (!c.client.authenticated) { c.reply.error('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time'); return; }
    if (setName !== null) c.client.name = setName;
    if (ver) { c.client.resp = ver as 2 | 3; c.reply.protocol = ver as 2 | 3; }
    const r = c.reply;
    r.mapHeader(7);
    r.bulk('server'); r.bulk('redis');
    r.bulk('version'); r.bulk(REDIS_VERSION);
    r.bulk('proto'); r.integer(c.client.resp);
    r.bulk('id'); r.integer(c.client.id);
    r.bulk('mode'); r.bulk('standalone');
    r.bulk('role'); r.bulk('master');
    r.bulk('modules'); r.arrayHeader(0);
  }),
  container('client', 'connection', '2.4.0', [
    def('client|id', 2, 'noscript loading stale', [0, 0, 0], 'connection', '5.0.0', (c) => c.reply.integer(c.client.id)),
    def('client|getname', 2, 'noscript loading stale', [0, 0, 0], 'connection', '2.6.9', (c) => { c.reply.bulk(c.client.name === '' ? null : c.client.name); }),
    def('client|setname', 3, 'noscript loading stale', [0, 0, 0], 'connection', '2.6.9', (c, argv) => {
      const name = argv[2]!;
      if (!validName(name)) { c.reply.error('ERR Client names cannot contain spaces, newlines or special characters.'); return; }
      c.client.name = name;
      c.reply.ok();
    }),
    def('client|list', -2, 'admin noscript loading stale', [0, 0, 0], 'connection', '2.4.0', (c, argv) => {
      let list = [...c.server.clients.values()];
      if (argv.length > 2) {
        const o = argv[2]!.toLowerCase();
        if (o === 'type' && argv.length === 4) {
          const t = argv[3]!.toLowerCase();
          if (t === 'normal') list = list.filter((x) => !x.inPubSub && !x.isMaster);
          else if (t === 'pubsub') list = list.filter((x) => x.inPubSub);
          else if (t === 'master') list = list.filter((x) => x.isMaster);
          else if (t === 'replica' || t === 'slave') list = [];
          else { c.reply.error(`ERR Unknown client type '${argv[3]}'`); return; }
        } else if (o === 'id' && argv.length >= 4) {
          const ids = new Set<number>();
          for (let i = 3; i < argv.length; i++) {
            if (!/^\d+$/.test(argv[i]!) || Number(argv[i]) <= 0) { c.reply.error('ERR Invalid client ID'); return; }
            ids.add(Number(argv[i]));
          }
          list = list.filter((x) => ids.has(x.id));
        } else { c.syntaxError(); return; }
      }
      c.reply.verbatim('txt', list.map((x) => clientInfoLine(c.server, x) + '\n').join(''));
    }),
    def('client|info', 2, 'noscript loading stale', [0, 0, 0], 'connection', '6.2.0', (c) => {
      c.reply.verbatim('txt', clientInfoLine(c.server, c.client) + '\n');
    }),
    def('client|kill', -3, 'admin noscript loading stale', [0, 0, 0], 'connection', '2.4.0', (c, argv) => {
      if (argv.length === 3) {
        const target = [...c.server.clients.values()].find((x) => x.addr === argv[2]);
        if (!target) { c.reply.error('ERR No such client'); return; }
        killClient(c, target);
        c.reply.ok();
        return;
      }
      const r = clientsMatching(c, argv, 2);
      if (typeof r === 'string') { c.reply.error(r); return; }
      for (const t of r) killClient(c, t);
      c.reply.integer(r.length);
    }),
    def('client|pause', -3, 'admin noscript loading stale', [0, 0, 0], 'connection', '3.0.0', (c, argv) => {
      const ms = Number(argv[2]);
      if (!/^\d+$/.test(argv[2]!) || !Number.isSafeInteger(ms)) { c.reply.error('ERR timeout is not an integer or out of range'); return; }
      let type: 'all' | 'write' = 'all';
      if (argv.length === 4) {
        const t = argv[3]!.toLowerCase();
        if (t === 'write') type = 'write'; else if (t === 'all') type = 'all'; else { c.reply.error('ERR CLIENT PAUSE mode must be WRITE or ALL'); return; }
      } else if (argv.length > 4) { c.syntaxError(); return; }
      c.server.pauseClients(type, c.server.clock() + ms);
      c.reply.ok();
    }),
    def('client|unpause', 2, 'admin noscript loading stale', [0, 0, 0], 'connection', '6.2.0', (c) => {
      c.reply.ok();
      queueMicrotask(() => c.server.unpauseClients());
    }),
    def('client|reply', 3, 'noscript loading stale', [0, 0, 0], 'connection', '3.2.0', (c, argv) => {
      const m = argv[2]!.toLowerCase();
      if (m === 'on') { c.client.replyMode = 'on'; c.reply.ok(); }
      else if (m === 'off') c.client.replyMode = 'off';
      else if (m === 'skip') c.client.replyMode = 'skip';
      else c.syntaxError();
    }),
    def('client|no-evict', 3, 'admin noscript loading stale', [0, 0, 0], 'connection', '7.0.0', (c, argv) => {
      const m = argv[2]!.toLowerCase();
      if (m === 'on') c.client.noEvict = true; else if (m === 'off') c.client.noEvict = false; else { c.syntaxError(); return; }
      c.reply.ok();
    }),
    def('client|unblock', -3, 'admin noscript loading stale', [0, 0, 0], 'connection', '5.0.0', (c, argv) => {
      const id = c.parseInt(argv[2]!);
      if (id === null) return;
      let err = false;
      if (argv.length === 4) {
        const m = argv[3]!.toLowerCase();
        if (m === 'error') err = true; else if (m !== 'timeout') { c.reply.error('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR'); return; }
      } else if (argv.length > 4) { c.syntaxError(); return; }
      const t = c.server.clients.get(id);
      c.reply.integer(t && c.server.unblockClientByRequest(t, err) ? 1 : 0);
    }),
    def('client|getredir', 2, 'noscript loading stale', [0, 0, 0], 'connection', '6.0.0', (c) => {
      c.reply.integer(c.client.tracking ? c.client.tracking.redirect : -1);
    }),
    ...clientTrackingSubcommands,
    def('client|help', 2, 'loading stale', [0, 0, 0], 'connection', '5.0.0', (c) => {
      c.reply.arrayHeader(CLIENT_HELP.length);
      for (const l of CLIENT_HELP) c.reply.simple(l);
    }),
  ]),
];

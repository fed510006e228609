/**
 * Per-connection state (Redis's `client` struct): identity, selected db, protocol version,
 * MULTI queue, WATCHed keys, subscriptions, blocking state and the reply buffer.
 */
import type { Socket } from 'node:net';
import type { BlockRequest, CommandContext, CommandSpec } from './command.js';
import type { Db } from './db.js';
import type { ReplyWriter } from './reply.js';
import type { RequestParser } from '../resp/index.js';

export interface QueuedCommand { spec: CommandSpec; argv: string[]; }

export interface BlockedState {
  req: BlockRequest['block'];
  db: Db;
  timer: NodeJS.Timeout | null;
  /** Absolute deadline (ms) or 0. */
  deadline: number;
  spec: CommandSpec;
  argv: string[];
}

export class ClientState {
  readonly id: number;
  name = '';
  /** 'ip:port' of the peer, and of our socket (laddr). */
  addr: string;
  laddr: string;
  fd: number;
  readonly createdAt: number;
  lastInteraction: number;
  socket: Socket | null;
  parser: RequestParser | null;
  reply: ReplyWriter;
  ctx!: CommandContext;
  dbIndex = 0;
  resp: 2 | 3 = 2;
  user = 'default';
  authenticated = false;
  libName = '';
  libVer = '';

  // MULTI/EXEC
  multi: QueuedCommand[] | null = null;
  dirtyExec = false;
  dirtyCas = false;
  watched: { db: Db; key: string; expired: boolean }[] = [];
  inExec = false;

  // pub/sub
  channels = new Set<string>();
  patterns = new Set<string>();
  shardChannels = new Set<string>();

  monitor = false;
  blocked: BlockedState | null = null;
  /** A command postponed by CLIENT PAUSE (re-run on unpause). */
  postponed: string[] | null = null;
  closeAfterReply = false;
  /** Queued in the server's end-of-event flush list. */
  pendingWrite = false;
  /** When this client's unsent output first passed the soft client-output-buffer-limit (0 = not over). */
  obufSoftSince = 0;
  closed = false;
  replyMode: 'on' | 'off' | 'skip' = 'on';
  noEvict = false;
  noTouch = false;
  /** Inside the current command: the argv to propagate instead (rewriteForPropagation). */
  lastCmd = 'NULL';
  /** argv of the command being executed (CLIENT LIST qbuf of the caller). */
  curArgv: string[] | null = null;
  /** Argument indexes hidden from SLOWLOG/MONITOR for the current command (passwords). */
  redacted: Set<number> | null = null;
  lastCmdFull = 'NULL';
  totNetIn = 0;
  totNetOut = 0;
  totCmds = 0;
  /** Client tracking (CLIENT TRACKING). */
  tracking: { redirect: number; bcast: boolean; optin: boolean; optout: boolean; noloop: boolean; prefixes: string[]; caching: boolean | null; broken: boolean } | null = null;
  /** Extra flags shown by CLIENT LIST (e.g. 'P' for pubsub is derived). */
  isMaster = false;
  /** Attached with SYNC/PSYNC (receives the write stream). */
  isReplica = false;
  /** Port the replica listens on (REPLCONF listening-port), shown in INFO replication. */
  replListeningPort: number | null = null;
  /** Pub/sub confirmations written while CLIENT REPLY is OFF/SKIP (they are always delivered). */
  pushOut: ReplyWriter | null = null;

  constructor(id: number, socket: Socket | null, reply: ReplyWriter, parser: RequestParser | null, now: number) {
    this.id = id;
    this.socket = socket;
    this.reply = reply;
    this.parser = parser;
    this.createdAt = now;
    this.lastInteraction = now;
    this.addr = socket ? `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}` : '';
    this.laddr = socket ? `${socket.localAddress ?? '?'}:${socket.localPort ?? 0}` : '';
    this.fd = socket ? 7 + id : -1;
    if (this.addr.startsWith('::ffff:')) this.addr = this.addr.slice(7);
    if (this.laddr.startsWith('::ffff:')) this.laddr = this.laddr.slice(7);
  }

  get subscriptionCount(): number { return this.channels.size + this.patterns.size; }
  get inPubSub(): boolean { return this.channels.size + this.patterns.size + this.shardChannels.size > 0; }

  /** CLIENT LIST flags field. */
  flagString(): string {
    let f = '';
    if (this.isMaster) f += 'M';
    if (this.isReplica) f += 'S';
    if (this.inPubSub) f += 'P';
    if (this.multi) f += 'x';
    if (this.blocked || this.postponed) f += 'b';
    if (this.tracking) f += 't';
    if (this.dirtyCas) f += 'd';
    if (this.closeAfterReply) f += 'c';
    if (this.noEvict) f += 'e';
    if (this.noTouch) f += 'T';
    if (this.monitor) f += 'O';
    return f === '' ? 'N' : f;
  }
}

/**
 * Pub/sub (pubsub.c): SUBSCRIBE/UNSUBSCRIBE, PSUBSCRIBE/PUNSUBSCRIBE, shard channels
 * (SSUBSCRIBE/SUNSUBSCRIBE/SPUBLISH), PUBLISH and PUBSUB introspection.
 */
import { container, def, type CommandContext, type CommandSpec } from '../command.js';
import type { ClientState } from '../client.js';
import { globMatch } from '../util/glob.js';
import { ReplyWriter } from '../reply.js';

type Kind = 'channel' | 'pattern' | 'shard';

function maps(c: CommandContext, kind: Kind): [Map<string, Set<ClientState>>, Set<string>] {
  if (kind === 'channel') return [c.server.channels, c.client.channels];
  if (kind === 'pattern') return [c.server.patterns, c.client.patterns];
  return [c.server.shardChannels, c.client.shardChannels];
}

function count(c: CommandContext, kind: Kind): number {
  return kind === 'shard' ? c.client.shardChannels.size : c.client.channels.size + c.client.patterns.size;
}

function confirm(c: CommandContext, what: string, name: string | null, kind: Kind): void {
  // Pub/sub replies are "pushes": delivered even with CLIENT REPLY OFF (CLIENT_PUSHING).
  let w = c.reply;
  if (c.client.replyMode !== 'on') {
    if (!c.client.pushOut) c.client.pushOut = new ReplyWriter({ protocol: c.client.resp });
    w = c.client.pushOut;
    w.protocol = c.client.resp;
  }
  w.pushHeader(3);
  w.bulk(what);
  if (name === null) w.nullBulk(); else w.bulk(name);
  w.integer(count(c, kind));
}

function subscribe(c: CommandContext, names: string[], kind: Kind, what: string): void {
  const [global, mine] = maps(c, kind);
  for (const n of names) {
    if (!mine.has(n)) {
      mine.add(n);
      let set = global.get(n);
      if (!set) { set = new Set(); global.set(n, set); }
      set.add(c.client);
    }
    confirm(c, what, n, kind);
  }
}

function unsubscribe(c: CommandContext, names: string[], kind: Kind, what: string): void {
  const [global, mine] = maps(c, kind);
  const list = names.length ? names : [...mine];
  if (list.length === 0) { confirm(c, what, null, kind); return; }
  for (const n of list) {
    if (mine.delete(n)) {
      const set = global.get(n);
      if (set) { set.delete(c.client); if (set.size === 0) global.delete(n); }
    }
    confirm(c, what, n, kind);
  }
}

function noMultiSubscribe(c: CommandContext, name: string): boolean {
  // SUBSCRIBE inside MULTI is allowed only for RESP3 clients in Redis 7.0 (it has no_multi otherwise).
  void c; void name;
  return false;
}

export const commands: CommandSpec[] = [
  def('subscribe', -2, 'pubsub noscript loading stale', [0, 0, 0], 'pubsub', '2.0.0', (c, argv) => {
    if (noMultiSubscribe(c, 'SUBSCRIBE')) return;
    subscribe(c, argv.slice(1), 'channel', 'subscribe');
  }),
  def('unsubscribe', -1, 'pubsub noscript loading stale', [0, 0, 0], 'pubsub', '2.0.0', (c, argv) => unsubscribe(c, argv.slice(1), 'channel', 'unsubscribe')),
  def('psubscribe', -2, 'pubsub noscript loading stale', [0, 0, 0], 'pubsub', '2.0.0', (c, argv) => {
    if (noMultiSubscribe(c, 'PSUBSCRIBE')) return;
    subscribe(c, argv.slice(1), 'pattern', 'psubscribe');
  }),
  def('punsubscribe', -1, 'pubsub noscript loading stale', [0, 0, 0], 'pubsub', '2.0.0', (c, argv) => unsubscribe(c, argv.slice(1), 'pattern', 'punsubscribe')),
  def('ssubscribe', -2, 'pubsub noscript loading stale', [1, -1, 1], 'pubsub', '7.0.0', (c, argv) => {
    if (noMultiSubscribe(c, 'SSUBSCRIBE')) return;
    subscribe(c, argv.slice(1), 'shard', 'ssubscribe');
  }),
  def('sunsubscribe', -1, 'pubsub noscript loading stale', [1, -1, 1], 'pubsub', '7.0.0', (c, argv) => unsubscribe(c, argv.slice(1), 'shard', 'sunsubscribe')),
  def('publish', 3, 'pubsub loading stale fast may_replicate', [0, 0, 0], 'pubsub', '2.0.0', (c, argv) => {
    c.reply.integer(c.server.publish(argv[1]!, argv[2]!));
    c.rewriteForPropagation(argv);
  }),
  def('spublish', 3, 'pubsub loading stale fast may_replicate', [1, 1, 1], 'pubsub', '7.0.0', (c, argv) => {
    c.reply.integer(c.server.publishShard(argv[1]!, argv[2]!));
    c.rewriteForPropagation(argv);
  }),
  container('pubsub', 'pubsub', '2.8.0', [
    def('pubsub|channels', -2, 'pubsub loading stale', [0, 0, 0], 'pubsub', '2.8.0', (c, argv) => {
      const pat = argv[2];
      const out = [...c.server.channels.keys()].filter((ch) => pat === undefined || globMatch(pat, ch));
      c.reply.strings(out);
    }),
    def('pubsub|numsub', -2, 'pubsub loading stale', [0, 0, 0], 'pubsub', '2.8.0', (c, argv) => {
      c.reply.mapHeader(argv.length - 2);
      for (let i = 2; i < argv.length; i++) { c.reply.bulk(argv[i]!); c.reply.integer(c.server.channels.get(argv[i]!)?.size ?? 0); }
    }),
    def('pubsub|numpat', 2, 'pubsub loading stale', [0, 0, 0], 'pubsub', '2.8.0', (c) => c.reply.integer(c.server.patterns.size)),
    def('pubsub|shardchannels', -2, 'pubsub loading stale', [0, 0, 0], 'pubsub', '7.0.0', (c, argv) => {
      const pat = argv[2];
      c.reply.strings([...c.server.shardChannels.keys()].filter((ch) => pat === undefined || globMatch(pat, ch)));
    }),
    def('pubsub|shardnumsub', -2, 'pubsub loading stale', [0, 0, 0], 'pubsub', '7.0.0', (c, argv) => {
      c.reply.mapHeader(argv.length - 2);
      for (let i = 2; i < argv.length; i++) { c.reply.bulk(argv[i]!); c.reply.integer(c.server.shardChannels.get(argv[i]!)?.size ?? 0); }
    }),
    def('pubsub|help', 2, 'loading stale', [0, 0, 0], 'pubsub', '6.2.0', (c) => {
      const lines = ['PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:', 'CHANNELS [<pattern>]', 'NUMPAT', 'NUMSUB [<channel> ...]', 'SHARDCHANNELS [<pattern>]', 'SHARDNUMSUB [<shardchannel> ...]', 'HELP'];
      c.reply.arrayHeader(lines.length);
      for (const l of lines) c.reply.simple(l);
    }),
  ]),
];

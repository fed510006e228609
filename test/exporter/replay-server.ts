/**
 * A replay server for exporter tests: speaks RESP2 over TCP and answers each command with a
 * reply captured from real Redis 7.0.15 (../shared/corpus/exporter/*.resp), so redis_exporter
 * and our exporter can be pointed at exactly the same replies. Commands it has no capture
 * for get `-ERR unknown command`. It records every command it receives.
 */
import { readFileSync, existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { NEED_MORE, ReplyParser, RequestParser, RespWriter, type RespValue } from '../../tools/resp/index.js';
import { parseReply } from '../../exporter/connection.js';
import { replyText } from '../../exporter/collect.js';

export const CORPUS = '../shared/corpus/exporter';

/** The first `n` elements of a captured array reply, as the bytes of a shorter array reply. */
function firstElements(raw: Buffer, n: number): Buffer {
  const body = raw.subarray(raw.indexOf('\r\n') + 2);
  const p = new ReplyParser();
  p.feed(body);
  let taken = 0;
  while (taken < n && p.next() !== NEED_MORE) taken++;
  return Buffer.concat([Buffer.from(`*${taken}\r\n`), body.subarray(0, body.length - p.pending)]);
}

/** CONFIG GET's reply: a flat array of bulk strings. */
function encodePairs(pairs: readonly string[]): Buffer {
  const w = new RespWriter({ stringEncoding: 'utf8' });
  w.arrayHeader(pairs.length);
  for (const p of pairs) w.bulk(p);
  return w.take();
}

/** Replies keyed by the upper-cased command line ("INFO ALL", "SLOWLOG GET 1", …). */
export type ReplyTable = Map<string, Buffer>;

/** The capture set for one role: 'master', 'replica' or 'replica-linkdown' (INFO only differs). */
export function corpusReplies(role: 'master' | 'replica' | 'replica-linkdown'): ReplyTable {
  const base = role === 'replica-linkdown' ? 'replica' : role;
  const file = (n: string) => `${CORPUS}/redis7.0.15-${base}.${n}.resp`;
  const t: ReplyTable = new Map();
  const raw = (n: string) => readFileSync(file(n));
  if (role === 'replica-linkdown') {
    // Only the text form was captured; it is the exact bulk payload (CRLF kept).
    const txt = readFileSync(`${CORPUS}/redis7.0.15-replica-linkdown.info-all.txt`);
    t.set('INFO ALL', Buffer.concat([Buffer.from(`$${txt.length}\r\n`), txt, Buffer.from('\r\n')]));
  } else {
    t.set('INFO ALL', raw('info-all'));
  }
  t.set('INFO', t.get('INFO ALL')!);
  const all = (parseReply(raw('config-get-all')) as RespValue[]).map((v) => replyText(v) ?? '');
  t.set('CONFIG GET *', raw('config-get-all'));
  t.set('SLOWLOG LEN', raw('slowlog-len'));
  t.set('SLOWLOG GET 1', firstElements(raw('slowlog-get-128'), 1));
  t.set('SLOWLOG GET 128', raw('slowlog-get-128'));
  t.set('LATENCY LATEST', raw('latency-latest'));
  if (existsSync(file('client-list'))) t.set('CLIENT LIST', raw('client-list'));
  t.set('CLIENT SETNAME REDIS_EXPORTER', Buffer.from('+OK\r\n'));
  t.set('CLIENT SETNAME REDKIT_EXPORTER', Buffer.from('+OK\r\n'));
  t.set('PING', Buffer.from('+PONG\r\n'));
  t.set('SELECT 0', Buffer.from('+OK\r\n'));
  // CONFIG GET with several names (Redis 7): answer from the full capture.
  (t as ReplyTable & { configAll?: string[] }).configAll = all;
  return t;
}

export interface ReplayServer {
  port: number;
  commands: string[][];
  connections: number;
  close(): Promise<void>;
}

export async function startReplayServer(table: ReplyTable, opts: { password?: string; redis6Config?: boolean } = {}): Promise<ReplayServer> {
  const configAll = (table as ReplyTable & { configAll?: string[] }).configAll ?? [];
  const state: { commands: string[][]; connections: number } = { commands: [], connections: 0 };
  const sockets = new Set<Socket>();
  const server: Server = createServer((sock) => {
    state.connections++;
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    let authed = opts.password === undefined;
    const requests = new RequestParser<Buffer>({ args: 'buffer' });
    const nextRequest = (): Buffer[] | null => {
      try {
        return requests.next();
      } catch (err) {
        // Like Redis: reply with the protocol error and close.
        sock.end(`-ERR ${(err as Error).message}\r\n`);
        return null;
      }
    };
    sock.on('data', (chunk: Buffer) => {
      requests.feed(chunk);
      for (let req = nextRequest(); req !== null; req = nextRequest()) {
        const args = req.map((a) => a.toString('utf8'));
        state.commands.push(args);
        const line = args.join(' ').toUpperCase();
        if (args[0]?.toUpperCase() === 'AUTH') {
          const pw = args[args.length - 1];
          authed = pw === opts.password;
          sock.write(authed ? '+OK\r\n' : '-WRONGPASS invalid username-password pair or user is disabled.\r\n');
          continue;
        }
        if (!authed) {
          sock.write('-NOAUTH Authentication required.\r\n');
          continue;
        }
        const hit = table.get(line);
        if (hit) {
          sock.write(hit);
        } else if (args[0]?.toUpperCase() === 'CONFIG' && args[1]?.toUpperCase() === 'GET' && opts.redis6Config && args.length !== 3) {
          // Redis < 7: CONFIG GET takes exactly one pattern.
          sock.write("-ERR Unknown subcommand or wrong number of arguments for 'get'. Try CONFIG HELP.\r\n");
        } else if (args[0]?.toUpperCase() === 'CONFIG' && args[1]?.toUpperCase() === 'GET') {
          const want = new Set(args.slice(2).map((a) => a.toLowerCase()));
          const pairs: string[] = [];
          for (let i = 0; i < configAll.length; i += 2) if (want.has(configAll[i]!)) pairs.push(configAll[i]!, configAll[i + 1]!);
          sock.write(encodePairs(pairs));
        } else {
          sock.write(`-ERR unknown command '${args[0] ?? ''}', with args beginning with: \r\n`);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    port,
    get commands() { return state.commands; },
    get connections() { return state.connections; },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

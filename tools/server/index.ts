/**
 * redkit's built-in Redis-compatible server, usable as a library:
 *
 *   import { startServer } from 'redkit/tools/server/index.js';
 *   const srv = await startServer();          // 127.0.0.1, random free port
 *   // … point any Redis client at srv.port …
 *   await srv.close();
 *
 * Layout: server.ts (state, dispatcher, network), command.ts (the command table types),
 * commands/*.ts (one module per family), db.ts (keyspace), types/*.ts (values), config.ts
 * (redis.conf directives), info.ts (INFO), acl.ts (users), reply.ts (reply writer).
 */
export { startServer, ServerState, REDIS_VERSION } from './server.js';
export type { ServerHandle, ServerOptions } from './server.js';
export { Db } from './db.js';
export type { RedisValue } from './db.js';
export type { CommandSpec, CommandContext, CommandFlag, BlockRequest, NotifyClass } from './command.js';
export { parseConfigFile } from './conf-file.js';

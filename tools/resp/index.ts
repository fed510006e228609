/**
 * RESP codec (RESP2 and RESP3): pure bytes in, values out, and back. No sockets here.
 * - RequestParser: what clients send (multibulk + inline), for servers and AOF readers.
 * - ReplyParser: what servers send, for clients.
 * - RespWriter / encodeCommand: encoders.
 * - splitArgs: sdssplitargs() (inline commands, config lines, quoted text).
 */
export { RequestParser, RespProtocolError, parseDecimal, PROTO_INLINE_MAX_SIZE, PROTO_MAX_BULK_LEN } from './request-parser.js';
export type { RequestParserOptions } from './request-parser.js';
export { ReplyParser, NEED_MORE } from './reply-parser.js';
export { RespWriter, encodeCommand, formatDouble, formatG } from './writer.js';
export type { RespWriterOptions } from './writer.js';
export { splitArgs } from './split-args.js';
export { RespError, RespMap, RespPush, VerbatimString, respToString } from './types.js';
export type { RespValue } from './types.js';

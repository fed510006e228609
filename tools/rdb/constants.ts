/**
 * Every on-disk constant of the RDB format and of the blobs it embeds (ziplist, listpack,
 * intset, zipmap, stream listpacks), named exactly as upstream (src/rdb.h, ziplist.c,
 * listpack.c, intset.c, zipmap.c, t_stream.c) with the Redis version that introduced it.
 *
 * A dump starts `REDIS0010` (magic + 4 ASCII digits) or, for Valkey 9+, `VALKEY080`
 * (magic + 3 digits), and ends `0xFF` + 8-byte little-endian CRC64 (RDB 5+).
 */

/** Highest RDB version written by Redis (7.4 / 8.x write 12). */
export const RDB_VERSION = 12;
/** Valkey 9 writes `VALKEY080`; 80 is the only Valkey version we know. */
export const RDB_VERSION_VALKEY = 80;
/** CRC64 trailer appeared in RDB 5 (Redis 2.6). */
export const RDB_VERSION_CRC = 5;

// Length encoding: the two top bits of the first byte (rdb.h).
export const RDB_6BITLEN = 0;
export const RDB_14BITLEN = 1;
export const RDB_32BITLEN = 0x80;
/** 64-bit lengths: RDB 8 (Redis 4.0). */
export const RDB_64BITLEN = 0x81;
export const RDB_ENCVAL = 3;

// Special string encodings (low 6 bits when the top bits are RDB_ENCVAL).
export const RDB_ENC_INT8 = 0;
export const RDB_ENC_INT16 = 1;
export const RDB_ENC_INT32 = 2;
export const RDB_ENC_LZF = 3;

// Object types.
export const RDB_TYPE_STRING = 0;
export const RDB_TYPE_LIST = 1;
export const RDB_TYPE_SET = 2;
export const RDB_TYPE_ZSET = 3;
export const RDB_TYPE_HASH = 4;
/** Binary double scores: RDB 8 (Redis 4.0). */
export const RDB_TYPE_ZSET_2 = 5;
/** Module value without opcodes (4.0 release candidates; cannot be skipped). */
export const RDB_TYPE_MODULE_PRE_GA = 6;
/** Module value with RDB_MODULE_OPCODE_* annotations: Redis 4.0 GA. */
export const RDB_TYPE_MODULE_2 = 7;
/** Redis 2.2 .. 2.6. */
export const RDB_TYPE_HASH_ZIPMAP = 9;
/** Redis 2.2 .. 3.0. */
export const RDB_TYPE_LIST_ZIPLIST = 10;
/** Redis 2.2. */
export const RDB_TYPE_SET_INTSET = 11;
/** Redis 2.4 .. 6.2. */
export const RDB_TYPE_ZSET_ZIPLIST = 12;
/** Redis 2.6 .. 6.2. */
export const RDB_TYPE_HASH_ZIPLIST = 13;
/** Quicklist of ziplists: RDB 7 (Redis 3.2). */
export const RDB_TYPE_LIST_QUICKLIST = 14;
/** Streams: RDB 9 (Redis 5.0). */
export const RDB_TYPE_STREAM_LISTPACKS = 15;
/** RDB 10 (Redis 7.0). */
export const RDB_TYPE_HASH_LISTPACK = 16;
/** RDB 10 (Redis 7.0). */
export const RDB_TYPE_ZSET_LISTPACK = 17;
/** Quicklist of listpacks with PLAIN nodes: RDB 10 (Redis 7.0). */
export const RDB_TYPE_LIST_QUICKLIST_2 = 18;
/** Streams with first id / max deleted id / entries added / entries_read: RDB 10 (Redis 7.0). */
export const RDB_TYPE_STREAM_LISTPACKS_2 = 19;
/** RDB 11 (Redis 7.2). */
export const RDB_TYPE_SET_LISTPACK = 20;
/** Streams with consumer active-time: RDB 11 (Redis 7.2). */
export const RDB_TYPE_STREAM_LISTPACKS_3 = 21;
/** Hash with field TTLs, absolute TTLs, 7.4 release candidates (RDB 12). In VALKEY080 files: Valkey "hash2". */
export const RDB_TYPE_HASH_METADATA_PRE_GA = 22;
/** Listpack hash with field TTLs (field, value, ttl triplets), 7.4 release candidates. */
export const RDB_TYPE_HASH_LISTPACK_EX_PRE_GA = 23;
/** Hash with field TTLs, min TTL first, TTLs relative to it (+1): Redis 7.4 GA (RDB 12). */
export const RDB_TYPE_HASH_METADATA = 24;
/** Listpack hash with field TTLs, min TTL first: Redis 7.4 GA (RDB 12). */
export const RDB_TYPE_HASH_LISTPACK_EX = 25;
/** Valkey 9 (VALKEY080): hash with per-field absolute expiry (same id as the 7.4 RC type). */
export const RDB_TYPE_HASH_2 = 22;

// Opcodes (top level).
/** Valkey 9: slot import state. Redis 8: RDB_OPCODE_KEY_META (not supported). */
export const RDB_OPCODE_SLOT_IMPORT = 243;
/** Cluster slot sizes: RDB 12 (Redis 7.4). */
export const RDB_OPCODE_SLOT_INFO = 244;
/** Function library: RDB 10 (Redis 7.0 GA). */
export const RDB_OPCODE_FUNCTION2 = 245;
/** Function library with name/engine/description (7.0 rc1/rc2). */
export const RDB_OPCODE_FUNCTION_PRE_GA = 246;
/** RDB 9 (Redis 5.0). */
export const RDB_OPCODE_MODULE_AUX = 247;
/** RDB 9 (Redis 5.0). */
export const RDB_OPCODE_IDLE = 248;
/** RDB 9 (Redis 5.0). */
export const RDB_OPCODE_FREQ = 249;
/** RDB 7 (Redis 3.2). */
export const RDB_OPCODE_AUX = 250;
/** RDB 7 (Redis 3.2). */
export const RDB_OPCODE_RESIZEDB = 251;
/** RDB 3 (Redis 2.6). */
export const RDB_OPCODE_EXPIRETIME_MS = 252;
export const RDB_OPCODE_EXPIRETIME = 253;
export const RDB_OPCODE_SELECTDB = 254;
export const RDB_OPCODE_EOF = 255;

// Module value annotations (RDB_TYPE_MODULE_2 and MODULE_AUX payloads).
export const RDB_MODULE_OPCODE_EOF = 0;
export const RDB_MODULE_OPCODE_SINT = 1;
export const RDB_MODULE_OPCODE_UINT = 2;
export const RDB_MODULE_OPCODE_FLOAT = 3;
export const RDB_MODULE_OPCODE_DOUBLE = 4;
export const RDB_MODULE_OPCODE_STRING = 5;

// rdbGenericLoadStringObject flags (kept for reference; the reader always loads plain bytes).
export const RDB_LOAD_NONE = 0;
export const RDB_LOAD_ENC = 1 << 0;
export const RDB_LOAD_PLAIN = 1 << 1;
export const RDB_LOAD_SDS = 1 << 2;

// quicklist2 node containers (quicklist.h, Redis 7.0).
export const QUICKLIST_NODE_CONTAINER_PLAIN = 1;
export const QUICKLIST_NODE_CONTAINER_PACKED = 2;

// ziplist.c (Redis 2.6 .. 6.2).
export const ZIP_END = 255;
export const ZIP_BIG_PREVLEN = 254;
export const ZIP_STR_MASK = 0xc0;
export const ZIP_STR_06B = 0 << 6;
export const ZIP_STR_14B = 1 << 6;
export const ZIP_STR_32B = 2 << 6;
export const ZIP_INT_16B = 0xc0 | (0 << 4);
export const ZIP_INT_32B = 0xc0 | (1 << 4);
export const ZIP_INT_64B = 0xc0 | (2 << 4);
export const ZIP_INT_24B = 0xc0 | (3 << 4);
export const ZIP_INT_8B = 0xfe;
export const ZIP_INT_IMM_MIN = 0xf1;
export const ZIP_INT_IMM_MAX = 0xfd;
/** zlbytes(4) + zltail(4) + zllen(2). */
export const ZIPLIST_HEADER_SIZE = 10;

// listpack.c (Redis 5.0 streams; everywhere since 7.0).
export const LP_HDR_SIZE = 6;
export const LP_EOF = 0xff;
export const LP_ENCODING_7BIT_UINT = 0;
export const LP_ENCODING_6BIT_STR = 0x80;
export const LP_ENCODING_13BIT_INT = 0xc0;
export const LP_ENCODING_12BIT_STR = 0xe0;
export const LP_ENCODING_32BIT_STR = 0xf0;
export const LP_ENCODING_16BIT_INT = 0xf1;
export const LP_ENCODING_24BIT_INT = 0xf2;
export const LP_ENCODING_32BIT_INT = 0xf3;
export const LP_ENCODING_64BIT_INT = 0xf4;
/** Header element count meaning "too many to count" (listpack and ziplist). */
export const LP_HDR_NUMELE_UNKNOWN = 65535;

// intset.c
export const INTSET_ENC_INT16 = 2;
export const INTSET_ENC_INT32 = 4;
export const INTSET_ENC_INT64 = 8;

// zipmap.c
export const ZIPMAP_BIGLEN = 254;
export const ZIPMAP_END = 255;

// t_stream.c
export const STREAM_ITEM_FLAG_NONE = 0;
export const STREAM_ITEM_FLAG_DELETED = 1 << 0;
export const STREAM_ITEM_FLAG_SAMEFIELDS = 1 << 1;

/** Module type names are 9 characters from this alphabet, 6 bits each (module.c). */
export const MODULE_TYPE_CHARSET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Type names as redis-check-rdb prints them (rdb_type_string[] in redis-check-rdb.c, which
 * stops at 18 in 7.0; the names after it follow the same pattern).
 */
export const RDB_TYPE_NAMES: readonly string[] = [
  'string', 'list-linked', 'set-hashtable', 'zset-v1', 'hash-hashtable', 'zset-v2', 'module-pre-release',
  'module-value', '', 'hash-zipmap', 'list-ziplist', 'set-intset', 'zset-ziplist', 'hash-ziplist',
  'quicklist', 'stream', 'hash-listpack', 'zset-listpack', 'quicklist-v2', 'stream-v2', 'set-listpack',
  'stream-v3', 'hash-hashtable-md-prega', 'hash-listpack-md-prega', 'hash-hashtable-md', 'hash-listpack-md',
];

/**
 * The records the streaming RDB reader yields: the contract between the codec (reader.ts) and
 * every report built on it (json, memory, protocol, jsonl, check, slots, AOF preamble).
 *
 * A dump is a sequence of records in file order. Every record carries provenance: `offset`
 * (first byte of the record in the file, including a key's EXPIRETIME/IDLE/FREQ opcodes) and
 * `length` (bytes it spans). Keys are announced by a `key` record; a string's value is in that
 * record; a collection's elements follow in one or more `elements` records (chunks of bounded
 * size, so memory is bounded by the largest single element, never by the collection), and a
 * `key-end` record closes every key (also strings) with its totals and encoding details.
 *
 *   header, aux*, [module-aux | function | selectdb | resizedb | slot-info |
 *                  key (elements)* key-end]*, eof
 *
 * Bytes are bytes: keys, values, members and fields are Buffers. Scores are JS numbers
 * (doubles, as Redis stores them; zset v1 ASCII scores are parsed like Redis's strtod and the
 * original text is kept in `scoreText`). Times are milliseconds since the epoch as numbers
 * (exact up to 2^53 ms, i.e. year 287396).
 */

/** Logical value type, as `TYPE key` names it. */
export type RdbValueType = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream' | 'module';

/**
 * Encoding of the value as stored in the file (not what a server converts it to on load):
 * the names redis-rdb-tools and `OBJECT ENCODING` use where they exist.
 */
export type RdbEncoding =
  | 'string' // raw/int/LZF string object (type 0)
  | 'linkedlist' // type 1
  | 'hashtable' // types 2 (set), 4 (hash), 24 (hash with field TTLs)
  | 'skiplist' // types 3, 5 (zset)
  | 'zipmap' // type 9
  | 'ziplist' // types 10, 12, 13
  | 'intset' // type 11
  | 'quicklist' // type 14 (ziplist nodes)
  | 'quicklist2' // type 18 (listpack or plain nodes)
  | 'listpack' // types 16, 17, 20, 23, 25 (listpack-ex for hashes with field TTLs)
  | 'stream' // types 15, 19, 21
  | 'module'; // types 6, 7

export interface Provenance {
  /** Byte offset of the record's first byte in the input. */
  offset: number;
  /** Number of bytes the record spans. */
  length: number;
}

export interface RdbHeaderRecord extends Provenance {
  kind: 'header';
  magic: 'REDIS' | 'VALKEY';
  /** RDB format version (Valkey's `VALKEY080` reads as 80). */
  version: number;
}

export interface RdbAuxRecord extends Provenance {
  kind: 'aux';
  key: Buffer;
  value: Buffer;
}

export interface RdbSelectDbRecord extends Provenance {
  kind: 'selectdb';
  db: number;
}

export interface RdbResizeDbRecord extends Provenance {
  kind: 'resizedb';
  db: number;
  dbSize: number;
  expiresSize: number;
}

export interface RdbSlotInfoRecord extends Provenance {
  kind: 'slot-info';
  slot: number;
  slotSize: number;
  expiresSlotSize: number;
}

export interface RdbModuleAuxRecord extends Provenance {
  kind: 'module-aux';
  moduleId: bigint;
  /** 9-character module name decoded from the 64-bit id, e.g. `test__rdb`. */
  moduleName: string;
  moduleVersion: number;
  when: number;
}

export interface RdbFunctionRecord extends Provenance {
  kind: 'function';
  /** FUNCTION2 (245): the library source code. FUNCTION (246, 7.0 RCs): also name/engine. */
  code: Buffer;
  name?: Buffer;
  engine?: Buffer;
  description?: Buffer;
}

export interface RdbKeyRecord extends Provenance {
  kind: 'key';
  db: number;
  key: Buffer;
  type: RdbValueType;
  /** RDB object type id (0..25). */
  rdbType: number;
  encoding: RdbEncoding;
  /** Absolute expiry in ms since the epoch, or null when the key has no TTL. */
  expireMs: number | null;
  /** LRU idle time in seconds (IDLE opcode 248), when present. */
  idle?: number;
  /** LFU frequency counter (FREQ opcode 249), when present. */
  freq?: number;
  /** For strings only: the value. Collections deliver elements in `elements` records. */
  value?: Buffer;
  /** For module values: which module wrote it. */
  module?: { id: bigint; name: string; version: number };
}

export interface ZsetMember {
  member: Buffer;
  score: number;
  /** Original ASCII text of the score for zset v1 (type 3) and ziplist/listpack string scores. */
  scoreText?: string;
}

export interface HashField {
  field: Buffer;
  value: Buffer;
  /** Absolute field expiry in ms (hash field TTLs, types 22-25), when set. */
  expireMs?: number;
}

export interface StreamId {
  ms: bigint;
  seq: bigint;
}

export interface StreamEntry {
  id: StreamId;
  fields: Array<[Buffer, Buffer]>;
}

export interface StreamPendingEntry {
  id: StreamId;
  deliveryTimeMs: number;
  deliveryCount: number;
}

export interface StreamConsumer {
  name: Buffer;
  seenTimeMs: number;
  /** RDB 12 / stream v3 only. */
  activeTimeMs?: number;
  /** IDs this consumer owns in the group's PEL. */
  pending: StreamId[];
}

export interface StreamGroup {
  name: Buffer;
  lastId: StreamId;
  /** Stream v2+ (`entries_read`); undefined for v1. */
  entriesRead?: number;
  pending: StreamPendingEntry[];
  consumers: StreamConsumer[];
}

export interface StreamMeta {
  length: number;
  lastId: StreamId;
  /** v2+ */
  firstId?: StreamId;
  maxDeletedEntryId?: StreamId;
  entriesAdded?: number;
  groups: StreamGroup[];
}

export type RdbElements =
  | { type: 'list'; items: Buffer[] }
  | { type: 'set'; items: Buffer[] }
  | { type: 'zset'; items: ZsetMember[] }
  | { type: 'hash'; items: HashField[] }
  | { type: 'stream'; items: StreamEntry[] };

export interface RdbElementsRecord extends Provenance {
  kind: 'elements';
  db: number;
  key: Buffer;
  elements: RdbElements;
}

/** Details the memory report needs about how the value was stored. */
export interface RdbEncodingInfo {
  /** Total number of elements (list items, set members, zset members, hash fields, stream entries). */
  count: number;
  /** Size in bytes of the serialized blob for ziplist/listpack/intset/zipmap encodings (sum over nodes for quicklists). */
  blobBytes?: number;
  /** Number of quicklist nodes (types 14, 18). */
  nodes?: number;
  /** Intset element width in bytes (2, 4 or 8). */
  intsetWidth?: number;
  /** Module values: bytes of the opaque payload that was skipped. */
  moduleBytes?: number;
}

export interface RdbKeyEndRecord extends Provenance {
  kind: 'key-end';
  db: number;
  key: Buffer;
  type: RdbValueType;
  encoding: RdbEncoding;
  info: RdbEncodingInfo;
  /** Streams: metadata and consumer groups (delivered once, at the end). */
  stream?: StreamMeta;
}

export interface RdbEofRecord extends Provenance {
  kind: 'eof';
  /** Checksum stored in the file (v5+), as 16 hex digits; undefined before v5. */
  storedCrc?: string;
  /** 'ok', 'disabled' (stored checksum is zero), 'absent' (version < 5) or 'ignored' (mismatch accepted by option). */
  crc: 'ok' | 'disabled' | 'absent' | 'ignored';
  /** Bytes after the checksum (e.g. an AOF tail after an RDB preamble); the reader stops at EOF. */
  trailingOffset: number;
}

export type RdbRecord =
  | RdbHeaderRecord
  | RdbAuxRecord
  | RdbSelectDbRecord
  | RdbResizeDbRecord
  | RdbSlotInfoRecord
  | RdbModuleAuxRecord
  | RdbFunctionRecord
  | RdbKeyRecord
  | RdbElementsRecord
  | RdbKeyEndRecord
  | RdbEofRecord;

export interface ReadRdbOptions {
  /** Accept a CRC64 mismatch (records it as crc: 'ignored') instead of failing. Default false. */
  ignoreCrc?: boolean;
  /** Maximum elements per `elements` record. Default 1024. */
  chunkElements?: number;
  /**
   * Skip decoding values (parse and validate structure only, yield key/key-end but not
   * elements): the fast path for `rdb check` and key-only reports.
   */
  keysOnly?: boolean;
  /** Name used in error messages. */
  fileName?: string;
}

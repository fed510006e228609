/**
 * Stream entry IDs: `<ms>-<seq>`, two unsigned 64-bit integers. We keep an ID as one 128-bit
 * bigint `(ms << 64) | seq`, so that comparing IDs is comparing numbers (like Redis's
 * big-endian 128-bit rax keys).
 *
 *   parseStreamId('5-3')  -> (5n << 64n) | 3n
 *   formatStreamId(...)   -> '5-3'
 */

export type StreamId = bigint;

export const U64_MAX = 0xffffffffffffffffn;
export const ID_MIN: StreamId = 0n;
export const ID_MAX: StreamId = (U64_MAX << 64n) | U64_MAX;

export function makeId(ms: bigint, seq: bigint): StreamId {
  return (ms << 64n) | seq;
}

export function idMs(id: StreamId): bigint {
  return id >> 64n;
}

export function idSeq(id: StreamId): bigint {
  return id & U64_MAX;
}

export function formatStreamId(id: StreamId): string {
  return `${id >> 64n}-${id & U64_MAX}`;
}

/** Parses an unsigned 64-bit decimal like strtoull with full-string checks; null on failure. */
export function parseU64(s: string): bigint | null {
  if (s.length === 0 || s.length > 20) return null;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  const v = BigInt(s);
  return v > U64_MAX ? null : v;
}

export interface ParsedId {
  id: StreamId;
  /** False when the sequence part was missing or `*` (`ms-*`). */
  seqGiven: boolean;
  /** True for `ms-*` (only allowed where the caller permits it). */
  seqAuto: boolean;
}

/**
 * Parses `-`, `+`, `ms`, `ms-seq` (and `ms-*` when `allowAutoSeq`), as
 * streamGenericParseIDOrReply does. `missingSeq` fills a missing sequence (0 for starts,
 * UINT64_MAX for ends). Returns null when invalid (caller replies "Invalid stream ID ...").
 */
export function parseStreamId(
  s: string,
  missingSeq: bigint,
  opts: { strict?: boolean; allowAutoSeq?: boolean } = {},
): ParsedId | null {
  if (s.length > 127) return null;
  if (!opts.strict && s.length === 1) {
    if (s === '-') return { id: ID_MIN, seqGiven: true, seqAuto: false };
    if (s === '+') return { id: ID_MAX, seqGiven: true, seqAuto: false };
  }
  const dash = s.indexOf('-');
  if (dash === -1) {
    const ms = parseU64(s);
    if (ms === null) return null;
    return { id: makeId(ms, missingSeq), seqGiven: false, seqAuto: false };
  }
  const ms = parseU64(s.slice(0, dash));
  if (ms === null) return null;
  const rest = s.slice(dash + 1);
  if (opts.allowAutoSeq && rest === '*') return { id: makeId(ms, 0n), seqGiven: false, seqAuto: true };
  const seq = parseU64(rest);
  if (seq === null) return null;
  return { id: makeId(ms, seq), seqGiven: true, seqAuto: false };
}

/** The ID right after `id`, or null on overflow of both parts. */
export function incrId(id: StreamId): StreamId | null {
  return id === ID_MAX ? null : id + 1n;
}

/** The ID right before `id`, or null when `id` is 0-0. */
export function decrId(id: StreamId): StreamId | null {
  return id === ID_MIN ? null : id - 1n;
}

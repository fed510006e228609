/**
 * Keys and bytes per hash slot (and per cluster node) of an RDB dump, for planning a move to
 * Redis Cluster: which slots are heavy, and how a given nodes.conf would split the data.
 *
 * Bytes are the serialized size of each key in the dump (from its first byte, including any
 * expiry/LRU/LFU opcodes, to the end of its value: the reader's `key` offset to the `key-end`
 * record's end). That is a proxy for memory, and exactly what a slot migration has to copy
 * (MIGRATE uses the same DUMP serialization). The dump is read once, keys only (values are
 * skipped, not decoded); memory is two 16384-entry arrays.
 *
 * nodes.conf (CLUSTER NODES format, the file a cluster node keeps):
 *   <id> <ip:port@cport[,hostname]> <flags> <master|-> <ping> <pong> <epoch> <link> <slot|a-b>…
 *   vars currentEpoch 6 lastVoteEpoch 0
 * Slot entries `[n->-id]` / `[n-<-id]` (migrating/importing) are ignored; only primaries own slots.
 */
import type { RdbRecord } from '../rdb/types.js';
import { RedkitError } from '../errors.js';
import { CLUSTER_SLOTS, keySlot } from './index.js';

export interface ClusterNode {
  id: string;
  address: string;
  /** Slot ranges as written in nodes.conf, e.g. ["0-5460"]. */
  ranges: string[];
}

export interface NodesConf {
  nodes: ClusterNode[];
  /** owner[slot] = index into nodes, or -1. */
  owner: Int32Array;
}

export function parseNodesConf(text: string, file = 'nodes.conf'): NodesConf {
  const owner = new Int32Array(CLUSTER_SLOTS).fill(-1);
  const nodes: ClusterNode[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, ln) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('vars ') || line.startsWith('#')) return;
    const f = line.split(/\s+/);
    if (f.length < 8) throw new RedkitError('REDKIT_E_SLOT_INPUT', `${file}: line ${ln + 1} is not a CLUSTER NODES line`, { file });
    const flags = f[2]!.split(',');
    if (!flags.includes('master')) return;
    const node: ClusterNode = { id: f[0]!, address: f[1]!.split('@')[0]!, ranges: [] };
    const index = nodes.length;
    nodes.push(node);
    for (const s of f.slice(8)) {
      if (s.startsWith('[')) continue;
      const m = /^(\d+)(?:-(\d+))?$/.exec(s);
      if (!m) throw new RedkitError('REDKIT_E_SLOT_INPUT', `${file}: line ${ln + 1}: bad slot range ${JSON.stringify(s)}`, { file });
      const a = Number(m[1]);
      const b = m[2] === undefined ? a : Number(m[2]);
      if (a > b || b >= CLUSTER_SLOTS) throw new RedkitError('REDKIT_E_SLOT_INPUT', `${file}: line ${ln + 1}: slot range ${s} out of 0-16383`, { file });
      node.ranges.push(s);
      for (let k = a; k <= b; k++) owner[k] = index;
    }
  });
  return { nodes, owner };
}

export interface SlotStats {
  keys: number;
  bytes: number;
}

export interface RdbSlotsReport {
  keys: number;
  bytes: number;
  slotsUsed: number;
  keysPerSlot: { min: number; median: number; max: number; mean: number };
  bytesPerSlot: { min: number; median: number; max: number; mean: number };
  /** Keys per db: Redis Cluster only has db 0, so keys elsewhere must be moved or merged. */
  dbs: Array<{ db: number; keys: number; bytes: number }>;
  /** The heaviest slots by bytes. */
  largestSlots: Array<{ slot: number } & SlotStats>;
  nodes?: Array<{ id: string; address: string; ranges: string[]; slots: number } & SlotStats & { keysPercent: number; bytesPercent: number }>;
  unassigned?: { slots: number } & SlotStats;
  /** Full per-slot arrays (index = slot). */
  perSlot: { keys: Uint32Array; bytes: Float64Array };
}

export interface RdbSlotsOptions {
  nodes?: NodesConf;
  top?: number;
}

function summary(values: ArrayLike<number>): { min: number; median: number; max: number; mean: number } {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return { min: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]!, max: sorted[sorted.length - 1]!, mean: sum / sorted.length };
}

/** Folds the reader's record batches (keysOnly is enough) into the per-slot report. */
export async function rdbSlotsReport(batches: AsyncIterable<RdbRecord[]>, opts: RdbSlotsOptions = {}): Promise<RdbSlotsReport> {
  const keys = new Uint32Array(CLUSTER_SLOTS);
  const bytes = new Float64Array(CLUSTER_SLOTS);
  const dbs = new Map<number, SlotStats>();
  let slot = -1;
  let start = 0;
  let db = 0;
  for await (const batch of batches) {
    for (const r of batch) {
      if (r.kind === 'key') {
        slot = keySlot(r.key);
        start = r.offset;
        db = r.db;
      } else if (r.kind === 'key-end' && slot >= 0) {
        const size = r.offset + r.length - start;
        keys[slot]!++;
        bytes[slot]! += size;
        const d = dbs.get(db);
        if (d) {
          d.keys++;
          d.bytes += size;
        } else dbs.set(db, { keys: 1, bytes: size });
        slot = -1;
      }
    }
  }
  let totalKeys = 0;
  let totalBytes = 0;
  let used = 0;
  for (let s = 0; s < CLUSTER_SLOTS; s++) {
    totalKeys += keys[s]!;
    totalBytes += bytes[s]!;
    if (keys[s]! > 0) used++;
  }
  const order = Array.from({ length: CLUSTER_SLOTS }, (_, s) => s)
    .filter((s) => keys[s]! > 0)
    .sort((a, b) => bytes[b]! - bytes[a]! || a - b)
    .slice(0, opts.top ?? 10);
  const report: RdbSlotsReport = {
    keys: totalKeys,
    bytes: totalBytes,
    slotsUsed: used,
    keysPerSlot: summary(keys),
    bytesPerSlot: summary(bytes),
    dbs: [...dbs].map(([d, v]) => ({ db: d, ...v })).sort((a, b) => a.db - b.db),
    largestSlots: order.map((s) => ({ slot: s, keys: keys[s]!, bytes: bytes[s]! })),
    perSlot: { keys, bytes },
  };
  if (opts.nodes) {
    const n = opts.nodes;
    const per = n.nodes.map((node) => ({ id: node.id, address: node.address, ranges: node.ranges, slots: 0, keys: 0, bytes: 0, keysPercent: 0, bytesPercent: 0 }));
    const un = { slots: 0, keys: 0, bytes: 0 };
    for (let s = 0; s < CLUSTER_SLOTS; s++) {
      const o = n.owner[s]!;
      const t = o >= 0 ? per[o]! : un;
      t.slots++;
      t.keys += keys[s]!;
      t.bytes += bytes[s]!;
    }
    for (const p of per) {
      p.keysPercent = totalKeys > 0 ? (p.keys / totalKeys) * 100 : 0;
      p.bytesPercent = totalBytes > 0 ? (p.bytes / totalBytes) * 100 : 0;
    }
    report.nodes = per;
    report.unassigned = un;
  }
  return report;
}

/** Plain-text rendering. */
export function renderRdbSlots(r: RdbSlotsReport): string {
  const out: string[] = [];
  const row = (k: string, v: string): void => { out.push(`${k.padEnd(16)}${v}\n`); };
  row('Keys', String(r.keys));
  row('Bytes', `${r.bytes}  (serialized size of keys and values in the dump)`);
  row('Slots used', `${r.slotsUsed} / ${CLUSTER_SLOTS}`);
  const f = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(1));
  row('Keys per slot', `min ${f(r.keysPerSlot.min)}  median ${f(r.keysPerSlot.median)}  mean ${f(r.keysPerSlot.mean)}  max ${f(r.keysPerSlot.max)}`);
  row('Bytes per slot', `min ${f(r.bytesPerSlot.min)}  median ${f(r.bytesPerSlot.median)}  mean ${f(r.bytesPerSlot.mean)}  max ${f(r.bytesPerSlot.max)}`);
  for (const d of r.dbs) {
    row(`db${d.db}`, `${d.keys} keys, ${d.bytes} bytes${d.db !== 0 ? '  (Redis Cluster has only db 0: these keys must move to db 0 or another deployment)' : ''}`);
  }
  if (r.nodes) {
    out.push('\nNODE\tADDRESS\tSLOTS\tKEYS\tKEYS%\tBYTES\tBYTES%\tRANGES\n');
    for (const n of r.nodes) {
      out.push(`${n.id}\t${n.address}\t${n.slots}\t${n.keys}\t${n.keysPercent.toFixed(2)}\t${n.bytes}\t${n.bytesPercent.toFixed(2)}\t${n.ranges.join(',') || '-'}\n`);
    }
    if (r.unassigned && r.unassigned.slots > 0) {
      out.push(`(unassigned)\t-\t${r.unassigned.slots}\t${r.unassigned.keys}\t-\t${r.unassigned.bytes}\t-\t-\n`);
    }
  }
  out.push('\nLargest slots (by bytes)\nSLOT\tKEYS\tBYTES\n');
  for (const s of r.largestSlots) out.push(`${s.slot}\t${s.keys}\t${s.bytes}\n`);
  return out.join('');
}

/** JSON form (the per-slot arrays as plain arrays of the non-empty slots). */
export function rdbSlotsJson(r: RdbSlotsReport): unknown {
  const slots: Array<{ slot: number; keys: number; bytes: number }> = [];
  for (let s = 0; s < CLUSTER_SLOTS; s++) if (r.perSlot.keys[s]! > 0) slots.push({ slot: s, keys: r.perSlot.keys[s]!, bytes: r.perSlot.bytes[s]! });
  const { perSlot: _perSlot, ...rest } = r;
  return { ...rest, slots };
}

/**
 * Which node owns which slot, from a live cluster node (`CLUSTER SLOTS`, Redis 3.0+; still
 * answered by 7.x). The reply is decoded into a dense 16384-entry table of node addresses.
 *
 *   CLUSTER SLOTS -> [[0, 5460, ["127.0.0.1", 7000, "<id>"], [replica…]], [5461, 10922, …], …]
 */
import { RedkitError } from '../errors.js';
import { CLUSTER_SLOTS } from './index.js';

export interface ClusterSlotMap {
  /** `host:port` of the primary owning `slot`, or undefined when no node serves it. */
  nodeFor(slot: number): string | undefined;
  /** Distinct primaries, in slot order. */
  nodes: string[];
}

type Reply = unknown;

function text(v: Reply): string {
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  throw new RedkitError('REDKIT_E_REPLY', 'unexpected CLUSTER SLOTS reply shape');
}

/** Builds the slot table from a decoded CLUSTER SLOTS reply. */
export function slotMapFromClusterSlots(reply: Reply): ClusterSlotMap {
  if (!Array.isArray(reply)) throw new RedkitError('REDKIT_E_REPLY', 'unexpected CLUSTER SLOTS reply (not an array)');
  const owner = new Int32Array(CLUSTER_SLOTS).fill(-1);
  const nodes: string[] = [];
  const index = new Map<string, number>();
  for (const range of reply) {
    if (!Array.isArray(range) || range.length < 3 || !Array.isArray(range[2])) {
      throw new RedkitError('REDKIT_E_REPLY', 'unexpected CLUSTER SLOTS entry');
    }
    const start = Number(text(range[0]));
    const end = Number(text(range[1]));
    const primary = range[2] as Reply[];
    let host = text(primary[0]);
    if (host === '') host = '127.0.0.1'; // a node that does not know its own address reports ""
    const addr = host.includes(':') ? `[${host}]:${text(primary[1])}` : `${host}:${text(primary[1])}`;
    let id = index.get(addr);
    if (id === undefined) {
      id = nodes.length;
      nodes.push(addr);
      index.set(addr, id);
    }
    for (let s = Math.max(0, start); s <= Math.min(end, CLUSTER_SLOTS - 1); s++) owner[s] = id;
  }
  return {
    nodes,
    nodeFor: (slot) => {
      const i = owner[slot];
      return i === undefined || i < 0 ? undefined : nodes[i];
    },
  };
}

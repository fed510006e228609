/**
 * Which node owns which slot, from a live cluster node: `CLUSTER SHARDS` (Redis 7.0+) or, on
 * older servers, `CLUSTER SLOTS` (3.0+). Either reply is decoded into a dense 16384-entry
 * table of primary addresses. A node that does not know its own address reports "" (or "?"):
 * the host we connected to is used instead, as cluster clients do.
 *
 *   CLUSTER SHARDS -> [{slots: [0, 5460, …], nodes: [{id, port, ip, endpoint, role, …}, …]}, …]
 *   CLUSTER SLOTS  -> [[0, 5460, ["127.0.0.1", 7000, "<id>"], [replica…]], [5461, 10922, …], …]
 */
import { RespMap } from '../resp/types.js';
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

class SlotTable {
  readonly owner = new Int32Array(CLUSTER_SLOTS).fill(-1);
  readonly nodes: string[] = [];
  readonly #index = new Map<string, number>();

  constructor(readonly fallbackHost: string) {}

  assign(host0: string, port: string, start: number, end: number): void {
    const host = host0 === '' || host0 === '?' ? this.fallbackHost : host0;
    const addr = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    let id = this.#index.get(addr);
    if (id === undefined) {
      id = this.nodes.length;
      this.nodes.push(addr);
      this.#index.set(addr, id);
    }
    for (let s = Math.max(0, start); s <= Math.min(end, CLUSTER_SLOTS - 1); s++) this.owner[s] = id;
  }
}

/** Field of a RESP3 map or of a RESP2 flat [k, v, k, v…] array. */
function field(m: Reply, name: string): Reply {
  if (m instanceof RespMap) return m.get(name);
  if (Array.isArray(m)) {
    for (let i = 0; i + 1 < m.length; i += 2) if (text(m[i]) === name) return m[i + 1];
  }
  return undefined;
}

/** Builds the slot table from a decoded CLUSTER SHARDS reply. */
export function slotMapFromClusterShards(reply: Reply, fallbackHost = '127.0.0.1'): ClusterSlotMap {
  if (!Array.isArray(reply)) throw new RedkitError('REDKIT_E_REPLY', 'unexpected CLUSTER SHARDS reply (not an array)');
  const t = new SlotTable(fallbackHost);
  for (const shard of reply) {
    const slots = field(shard, 'slots');
    const nodes = field(shard, 'nodes');
    if (!Array.isArray(slots) || !Array.isArray(nodes)) throw new RedkitError('REDKIT_E_REPLY', 'unexpected CLUSTER SHARDS entry');
    const primary = nodes.find((n) => text(field(n, 'role') ?? '') === 'master');
    if (!primary) continue;
    const endpoint = field(primary, 'endpoint');
    const host = endpoint !== undefined && text(endpoint) !== '' && text(endpoint) !== '?' ? text(endpoint) : text(field(primary, 'ip') ?? '');
    const port = field(primary, 'port') ?? field(primary, 'tls-port');
    if (port === undefined) continue;
    for (let i = 0; i + 1 < slots.length; i += 2) t.assign(host, text(port), Number(text(slots[i])), Number(text(slots[i + 1])));
  }
  return finish(t);
}

/** Builds the slot table from a decoded CLUSTER SLOTS reply. */
export function slotMapFromClusterSlots(reply: Reply, fallbackHost = '127.0.0.1'): ClusterSlotMap {
  if (!Array.isArray(reply)) throw new RedkitError('REDKIT_E_REPLY', 'unexpected CLUSTER SLOTS reply (not an array)');
  const t = new SlotTable(fallbackHost);
  for (const range of reply) {
    if (!Array.isArray(range) || range.length < 3 || !Array.isArray(range[2])) {
      throw new RedkitError('REDKIT_E_REPLY', 'unexpected CLUSTER SLOTS entry');
    }
    const primary = range[2] as Reply[];
    t.assign(text(primary[0]), text(primary[1]), Number(text(range[0])), Number(text(range[1])));
  }
  return finish(t);
}

function finish(t: SlotTable): ClusterSlotMap {
  const { owner, nodes } = t;
  return {
    nodes,
    nodeFor: (slot) => {
      const i = owner[slot];
      return i === undefined || i < 0 ? undefined : nodes[i];
    },
  };
}

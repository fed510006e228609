/**
 * Lazy freeing accounting (lazyfree.c). This server frees memory through the JS garbage
 * collector, so there is no background thread; what stays observable is which deletions Redis
 * would hand to its lazyfree thread, counted in INFO's `lazyfreed_objects`: values whose "free
 * effort" is above LAZYFREE_THRESHOLD (UNLINK, DEL under lazyfree-lazy-user-del), and every key
 * of a database emptied asynchronously (FLUSHALL/FLUSHDB ASYNC).
 */
import type { Value } from '../db.js';

/** Redis's LAZYFREE_THRESHOLD: cheaper values are freed synchronously. */
export const LAZYFREE_THRESHOLD = 64;

interface Sized { size: number; encoding(): string }
interface Streamish { nodeCount: number; groups: Map<string, { pel: { size: number } }> }
interface Listish { length: number; memoryUsage(): number }

/**
 * lazyfreeGetFreeEffort: roughly the number of allocations freeing the value takes — quicklist
 * nodes for a list, entries of hash-table sets/hashes and skiplist sorted sets, stream nodes plus
 * consumer groups and their PELs; 1 for compact encodings and strings.
 * `listMaxListpackSize` is the list-max-listpack-size config (negative = bytes per node class).
 */
export function freeEffort(v: Value, listMaxListpackSize: number): number {
  if (typeof v === 'string') return 1;
  switch (v.type) {
    case 'list': {
      const l = v as unknown as Listish;
      if (listMaxListpackSize > 0) return Math.ceil(l.length / listMaxListpackSize);
      const nodeBytes = 4096 << Math.min(Math.max(-listMaxListpackSize, 1) - 1, 4);
      return Math.max(1, Math.ceil(l.memoryUsage() / nodeBytes));
    }
    case 'set': case 'hash': {
      const s = v as unknown as Sized;
      return s.encoding() === 'hashtable' ? s.size : 1;
    }
    case 'zset': {
      const z = v as unknown as Sized;
      return z.encoding() === 'skiplist' ? z.size : 1;
    }
    case 'stream': {
      const s = v as unknown as Streamish;
      // Radix-tree nodes (estimated like XINFO's radix-tree-nodes) + groups × (1 + first PEL).
      let effort = s.nodeCount === 0 ? 1 : s.nodeCount * 2;
      const first = s.groups.values().next();
      if (!first.done) effort += s.groups.size * (1 + first.value.pel.size);
      return effort;
    }
    default:
      return 1;
  }
}

/** Loads the slot -> node table from a live cluster node with CLUSTER SLOTS. */
import { RedisClient, parseRedisUrl, redactUrl } from '../client/index.js';
import { RedkitError } from '../errors.js';
import { slotMapFromClusterSlots, type ClusterSlotMap } from './cluster.js';

export async function loadClusterSlotMap(url: string): Promise<ClusterSlotMap> {
  const client = await RedisClient.connect({ ...parseRedisUrl(url), commandTimeoutMs: 10_000 });
  try {
    let reply;
    try {
      reply = await client.call('CLUSTER', 'SLOTS');
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      throw new RedkitError('REDKIT_E_REPLY', `${redactUrl(url)} is not usable as a cluster node: ${msg}`, { cause: err });
    }
    return slotMapFromClusterSlots(reply);
  } finally {
    await client.close();
  }
}

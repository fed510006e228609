/** Loads the slot -> node table from a live node (needs tools/client). */
import { RedkitError } from '../errors.js';
import type { ClusterSlotMap } from './cluster.js';

export async function loadClusterSlotMap(url: string): Promise<ClusterSlotMap> {
  throw new RedkitError('REDKIT_E_USAGE', `--cluster ${url}: not available yet (the Redis client is not in this build)`);
}

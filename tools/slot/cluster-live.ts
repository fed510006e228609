/** Loads the slot -> node table from a live cluster node (CLUSTER SHARDS, else CLUSTER SLOTS). */
import { RedisClient, ReplyError, parseRedisUrl, redactUrl } from '../client/index.js';
import { RedkitError } from '../errors.js';
import { slotMapFromClusterShards, slotMapFromClusterSlots, type ClusterSlotMap } from './cluster.js';

export async function loadClusterSlotMap(url: string): Promise<ClusterSlotMap> {
  const opts = parseRedisUrl(url);
  const client = await RedisClient.connect({ ...opts, commandTimeoutMs: 10_000 });
  const host = opts.host ?? '127.0.0.1';
  try {
    try {
      return slotMapFromClusterShards(await client.call('CLUSTER', 'SHARDS'), host);
    } catch (err) {
      // Redis < 7.0 has no CLUSTER SHARDS ("unknown subcommand"); cluster-disabled nodes fail both.
      if (!(err instanceof ReplyError) || !/unknown subcommand|unknown command/i.test(err.message)) throw err;
      return slotMapFromClusterSlots(await client.call('CLUSTER', 'SLOTS'), host);
    }
  } catch (err) {
    if (!(err instanceof ReplyError)) throw err;
    throw new RedkitError('REDKIT_E_REPLY', `${redactUrl(url)} is not usable as a cluster node: ${err.reply.message}`, { cause: err });
  } finally {
    await client.close();
  }
}

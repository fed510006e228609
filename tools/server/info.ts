/**
 * INFO: Redis 7.0's sections and field names (the exporter and monitoring tools parse these).
 * Persistence and replication are not implemented yet; their fields report a master with no
 * replicas and no saves in progress.
 */
import os from 'node:os';
import type { ServerState } from './server.js';
import { REDIS_VERSION } from './server.js';

const DEFAULT_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'module_list', 'errorstats', 'cluster', 'keyspace'];
const ALL_SECTIONS = [...DEFAULT_SECTIONS, 'commandstats', 'latencystats'];

export function humanBytes(n: number): string {
  const units = ['B', 'K', 'M', 'G', 'T', 'P'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return i === 0 ? `${n}B` : `${v.toFixed(2)}${units[i]}`;
}

let peakMemory = 0;

export function buildInfo(s: ServerState, args: string[]): string {
  let sections: string[];
  if (args.length === 0) sections = DEFAULT_SECTIONS;
  else {
    const want = new Set<string>();
    for (const a of args) {
      const l = a.toLowerCase();
      if (l === 'all') ALL_SECTIONS.forEach((x) => want.add(x));
      else if (l === 'everything') { ALL_SECTIONS.forEach((x) => want.add(x)); want.add('modules'); }
      else if (l === 'default') DEFAULT_SECTIONS.forEach((x) => want.add(x));
      else if (l === 'modules') want.add('module_list');
      else want.add(l);
    }
    sections = [...ALL_SECTIONS, 'modules'].filter((x) => want.has(x));
  }
  const out: string[] = [];
  for (const sec of sections) {
    const body = section(s, sec);
    if (body === null) continue;
    out.push(body);
  }
  return out.join('\r\n');
}

function lines(title: string, fields: [string, string | number][]): string {
  return `# ${title}\r\n` + fields.map(([k, v]) => `${k}:${v}\r\n`).join('');
}

function section(s: ServerState, name: string): string | null {
  const now = s.clock();
  switch (name) {
    case 'server': {
      const up = Math.floor((now - s.startTime) / 1000);
      return lines('Server', [
        ['redis_version', REDIS_VERSION], ['redis_git_sha1', '00000000'], ['redis_git_dirty', 0], ['redis_build_id', 'redkit'],
        ['redis_mode', 'standalone'], ['os', `${os.type()} ${os.release()} ${os.arch() === 'x64' ? 'x86_64' : os.arch()}`],
        ['arch_bits', 64], ['monotonic_clock', 'POSIX clock_gettime'], ['multiplexing_api', 'epoll'],
        ['atomicvar_api', 'c11-builtin'], ['gcc_version', '0.0.0'], ['process_id', process.pid], ['process_supervised', 'no'],
        ['run_id', s.runId], ['tcp_port', s.port], ['server_time_usec', now * 1000], ['uptime_in_seconds', up],
        ['uptime_in_days', Math.floor(up / 86400)], ['hz', s.config.num('hz')], ['configured_hz', s.config.num('hz')],
        ['lru_clock', Math.floor(now / 1000) & 0xffffff], ['executable', s.executable], ['config_file', s.configFile],
        ['io_threads_active', 0],
      ]);
    }
    case 'clients': {
      let maxIn = 0, maxOut = 0, tracking = 0;
      for (const c of s.clients.values()) {
        maxIn = Math.max(maxIn, c.parser ? c.parser.pending : 0);
        maxOut = Math.max(maxOut, c.reply.length);
        if (c.tracking) tracking++;
      }
      let timeoutTable = 0;
      for (const c of s.clients.values()) if (c.blocked && c.blocked.deadline) timeoutTable++;
      return lines('Clients', [
        ['connected_clients', s.clients.size], ['cluster_connections', 0], ['maxclients', s.config.num('maxclients')],
        ['client_recent_max_input_buffer', Math.max(maxIn, 20480)], ['client_recent_max_output_buffer', maxOut],
        ['blocked_clients', s.stats.blocked_clients], ['tracking_clients', tracking], ['clients_in_timeout_table', timeoutTable],
      ]);
    }
    case 'memory': {
      const used = s.usedMemory();
      if (used > peakMemory) peakMemory = used;
      const rss = process.memoryUsage().rss;
      const total = os.totalmem();
      const startup = 876448;
      return lines('Memory', [
        ['used_memory', used], ['used_memory_human', humanBytes(used)], ['used_memory_rss', rss], ['used_memory_rss_human', humanBytes(rss)],
        ['used_memory_peak', peakMemory], ['used_memory_peak_human', humanBytes(peakMemory)],
        ['used_memory_peak_perc', `${((used / peakMemory) * 100).toFixed(2)}%`], ['used_memory_overhead', startup],
        ['used_memory_startup', startup], ['used_memory_dataset', Math.max(0, used - startup)],
        ['used_memory_dataset_perc', `${((Math.max(0, used - startup) / used) * 100).toFixed(2)}%`],
        ['allocator_allocated', used], ['allocator_active', used], ['allocator_resident', rss],
        ['total_system_memory', total], ['total_system_memory_human', humanBytes(total)],
        ['used_memory_lua', 31744], ['used_memory_vm_eval', 31744], ['used_memory_lua_human', '31.00K'], ['used_memory_scripts_eval', 0],
        ['number_of_cached_scripts', 0], ['number_of_functions', 0], ['number_of_libraries', 0], ['used_memory_vm_functions', 32768],
        ['used_memory_vm_total', 64512], ['used_memory_vm_total_human', '63.00K'], ['used_memory_functions', 184],
        ['used_memory_scripts', 184], ['used_memory_scripts_human', '184B'],
        ['maxmemory', s.maxmemory], ['maxmemory_human', humanBytes(s.maxmemory)], ['maxmemory_policy', s.maxmemoryPolicy],
        ['allocator_frag_ratio', '1.00'], ['allocator_frag_bytes', 0], ['allocator_rss_ratio', (rss / used).toFixed(2)],
        ['allocator_rss_bytes', rss - used], ['rss_overhead_ratio', '1.00'], ['rss_overhead_bytes', 0],
        ['mem_fragmentation_ratio', (rss / used).toFixed(2)], ['mem_fragmentation_bytes', rss - used],
        ['mem_not_counted_for_evict', 0], ['mem_replication_backlog', 0], ['mem_total_replication_buffers', 0],
        ['mem_clients_slaves', 0], ['mem_clients_normal', s.clients.size * 22426], ['mem_cluster_links', 0], ['mem_aof_buffer', 0],
        ['mem_allocator', 'libc'], ['active_defrag_running', 0], ['lazyfree_pending_objects', 0], ['lazyfreed_objects', s.lazyfreedObjects],
      ]);
    }
    case 'persistence':
      return lines('Persistence', [
        ['loading', 0], ['async_loading', 0], ['current_cow_peak', 0], ['current_cow_size', 0], ['current_cow_size_age', 0],
        ['current_fork_perc', '0.00'], ['current_save_keys_processed', 0], ['current_save_keys_total', 0],
        ['rdb_changes_since_last_save', s.dirty], ['rdb_bgsave_in_progress', 0], ['rdb_last_save_time', Math.floor(s.lastSave / 1000)],
        ['rdb_last_bgsave_status', 'ok'], ['rdb_last_bgsave_time_sec', -1], ['rdb_current_bgsave_time_sec', -1], ['rdb_saves', 0],
        ['rdb_last_cow_size', 0], ['rdb_last_load_keys_expired', 0], ['rdb_last_load_keys_loaded', 0],
        ['aof_enabled', s.config.get('appendonly') === 'yes' ? 1 : 0], ['aof_rewrite_in_progress', 0], ['aof_rewrite_scheduled', 0],
        ['aof_last_rewrite_time_sec', -1], ['aof_current_rewrite_time_sec', -1], ['aof_last_bgrewrite_status', 'ok'],
        ['aof_rewrites', 0], ['aof_rewrites_consecutive_failures', 0], ['aof_last_write_status', 'ok'], ['aof_last_cow_size', 0],
        ['module_fork_in_progress', 0], ['module_fork_last_cow_size', 0],
      ]);
    case 'stats': {
      const st = s.stats;
      let pubsubPatterns = 0;
      for (const set of s.patterns.values()) pubsubPatterns += set.size > 0 ? 1 : 0;
      return lines('Stats', [
        ['total_connections_received', st.total_connections_received], ['total_commands_processed', st.total_commands_processed],
        ['instantaneous_ops_per_sec', st.instantaneous_ops_per_sec], ['total_net_input_bytes', st.net_input_bytes],
        ['total_net_output_bytes', st.net_output_bytes], ['total_net_repl_input_bytes', 0], ['total_net_repl_output_bytes', 0],
        ['instantaneous_input_kbps', st.instantaneous_input_kbps.toFixed(2)], ['instantaneous_output_kbps', st.instantaneous_output_kbps.toFixed(2)],
        ['instantaneous_input_repl_kbps', '0.00'], ['instantaneous_output_repl_kbps', '0.00'],
        ['rejected_connections', st.rejected_connections], ['sync_full', 0], ['sync_partial_ok', 0], ['sync_partial_err', 0],
        ['expired_keys', st.expired_keys], ['expired_stale_perc', st.expired_stale_perc.toFixed(2)],
        ['expired_time_cap_reached_count', st.expired_time_cap_reached_count], ['expire_cycle_cpu_milliseconds', Math.round(st.expire_cycle_cpu_milliseconds)],
        ['evicted_keys', st.evicted_keys], ['evicted_clients', st.evicted_clients], ['total_eviction_exceeded_time', st.total_eviction_exceeded_time],
        ['current_eviction_exceeded_time', 0], ['keyspace_hits', st.keyspace_hits], ['keyspace_misses', st.keyspace_misses],
        ['pubsub_channels', s.channels.size], ['pubsub_patterns', pubsubPatterns], ['pubsubshard_channels', s.shardChannels.size],
        ['latest_fork_usec', 0], ['total_forks', 0], ['migrate_cached_sockets', 0], ['slave_expires_tracked_keys', 0],
        ['active_defrag_hits', 0], ['active_defrag_misses', 0], ['active_defrag_key_hits', 0], ['active_defrag_key_misses', 0],
        ['total_active_defrag_time', 0], ['current_active_defrag_time', 0], ['tracking_total_keys', s.tracking.table.size],
        ['tracking_total_items', s.tracking.totalItems], ['tracking_total_prefixes', s.tracking.prefixes.size],
        ['unexpected_error_replies', st.unexpected_error_replies], ['total_error_replies', st.total_error_replies],
        ['dump_payload_sanitizations', st.dump_payload_sanitizations], ['total_reads_processed', st.total_reads_processed],
        ['total_writes_processed', st.total_writes_processed], ['io_threaded_reads_processed', 0], ['io_threaded_writes_processed', 0],
        ['reply_buffer_shrinks', 0], ['reply_buffer_expands', 0],
      ]);
    }
    case 'replication':
      if (s.masterHost !== null) {
        return lines('Replication', [
          ['role', 'slave'], ['master_host', s.masterHost], ['master_port', s.masterPort], ['master_link_status', 'down'],
          ['master_last_io_seconds_ago', -1], ['master_sync_in_progress', 0], ['slave_read_repl_offset', 0], ['slave_repl_offset', 0],
          ['master_link_down_since_seconds', -1], ['slave_priority', s.config.num('replica-priority')],
          ['slave_read_only', s.config.bool('replica-read-only') ? 1 : 0], ['replica_announced', 1], ['connected_slaves', 0],
          ['master_failover_state', 'no-failover'], ['master_replid', s.replId], ['master_replid2', '0000000000000000000000000000000000000000'],
          ['master_repl_offset', 0], ['second_repl_offset', -1], ['repl_backlog_active', 0],
          ['repl_backlog_size', s.config.num('repl-backlog-size')], ['repl_backlog_first_byte_offset', 0], ['repl_backlog_histlen', 0],
        ]);
      }
      const slaves: [string, string][] = [];
      let i = 0;
      for (const r of s.replicas) {
        const ip = r.addr.slice(0, r.addr.lastIndexOf(':'));
        const port = r.replListeningPort ?? r.addr.slice(r.addr.lastIndexOf(':') + 1);
        slaves.push([`slave${i++}`, `ip=${ip},port=${port},state=online,offset=${s.masterReplOffset},lag=0`]);
      }
      return lines('Replication', [
        ['role', 'master'], ['connected_slaves', s.replicas.size], ...slaves, ['master_failover_state', 'no-failover'], ['master_replid', s.replId],
        ['master_replid2', '0000000000000000000000000000000000000000'], ['master_repl_offset', s.masterReplOffset], ['second_repl_offset', -1],
        ['repl_backlog_active', 0], ['repl_backlog_size', s.config.num('repl-backlog-size')], ['repl_backlog_first_byte_offset', 0],
        ['repl_backlog_histlen', 0],
      ]);
    case 'cpu': {
      const u = process.cpuUsage();
      const f = (us: number) => (us / 1e6).toFixed(6);
      return lines('CPU', [
        ['used_cpu_sys', f(u.system)], ['used_cpu_user', f(u.user)], ['used_cpu_sys_children', '0.000000'], ['used_cpu_user_children', '0.000000'],
        ['used_cpu_sys_main_thread', f(u.system)], ['used_cpu_user_main_thread', f(u.user)],
      ]);
    }
    case 'module_list':
      return '# Modules\r\n';
    case 'modules':
      return null;
    case 'errorstats': {
      const f: [string, string][] = [];
      for (const [k, v] of s.errorStats) f.push([`errorstat_${k}`, `count=${v}`]);
      return lines('Errorstats', f);
    }
    case 'cluster':
      return lines('Cluster', [['cluster_enabled', 0]]);
    case 'keyspace': {
      const f: [string, string][] = [];
      for (const db of s.dbs) {
        if (db.size === 0) continue;
        f.push([`db${db.id}`, `keys=${db.size},expires=${db.expires.size},avg_ttl=${db.expires.size ? Math.round(db.avgTtl) : 0}`]);
      }
      return lines('Keyspace', f);
    }
    case 'commandstats': {
      const f: [string, string][] = [];
      for (const [name, st] of s.commandStats) {
        if (st.calls === 0 && st.rejected === 0 && st.failed === 0) continue;
        f.push([`cmdstat_${name}`, `calls=${st.calls},usec=${st.usec},usec_per_call=${st.calls ? (st.usec / st.calls).toFixed(2) : '0.00'},rejected_calls=${st.rejected},failed_calls=${st.failed}`]);
      }
      return lines('Commandstats', f);
    }
    case 'latencystats': {
      const pcts = s.config.get('latency-tracking-info-percentiles').split(/\s+/).filter(Boolean).map(Number);
      const f: [string, string][] = [];
      if (s.latencyTracking) {
        for (const [name, st] of s.commandStats) {
          if (st.hist.total === 0) continue;
          f.push([`latency_percentiles_usec_${name}`, pcts.map((p) => `p${fmtPct(p)}=${st.hist.percentile(p).toFixed(3)}`).join(',')]);
        }
      }
      return lines('Latencystats', f);
    }
    default:
      return null;
  }
}

function fmtPct(p: number): string {
  return String(Number(p.toFixed(6)));
}

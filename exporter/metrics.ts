/**
 * Metric definitions: redis_exporter 1.45's names, types, help texts and label names, which
 * Grafana dashboards (763, 11835) and alert rules are written against, plus the lint-clean
 * renames offered behind `--lint-clean-names`.
 *
 * INFO fields become metrics through two tables (field -> metric name without namespace):
 * `INFO_GAUGES` and `INFO_COUNTERS`. Fields that need parsing (slaveN, dbN, cmdstat_*,
 * errorstat_*, latency_percentiles_usec_*, master_link_status …) are handled in collect.ts.
 */

export type MetricType = 'gauge' | 'counter' | 'summary';

export const INFO_GAUGES: Readonly<Record<string, string>> = {
  // Server
  uptime_in_seconds: 'uptime_in_seconds',
  process_id: 'process_id',
  io_threads_active: 'io_threads_active',
  // Clients
  connected_clients: 'connected_clients',
  blocked_clients: 'blocked_clients',
  tracking_clients: 'tracking_clients',
  clients_in_timeout_table: 'clients_in_timeout_table',
  client_longest_output_list: 'client_longest_output_list', // Redis 2..4
  client_biggest_input_buf: 'client_biggest_input_buf', // Redis 2..4
  client_recent_max_output_buffer: 'client_recent_max_output_buffer_bytes',
  client_recent_max_input_buffer: 'client_recent_max_input_buffer_bytes',
  // Memory
  allocator_active: 'allocator_active_bytes',
  allocator_allocated: 'allocator_allocated_bytes',
  allocator_resident: 'allocator_resident_bytes',
  allocator_frag_ratio: 'allocator_frag_ratio',
  allocator_frag_bytes: 'allocator_frag_bytes',
  allocator_rss_ratio: 'allocator_rss_ratio',
  allocator_rss_bytes: 'allocator_rss_bytes',
  used_memory: 'memory_used_bytes',
  used_memory_rss: 'memory_used_rss_bytes',
  used_memory_peak: 'memory_used_peak_bytes',
  used_memory_lua: 'memory_used_lua_bytes',
  used_memory_overhead: 'memory_used_overhead_bytes',
  used_memory_startup: 'memory_used_startup_bytes',
  used_memory_dataset: 'memory_used_dataset_bytes',
  used_memory_scripts: 'memory_used_scripts_bytes',
  number_of_cached_scripts: 'number_of_cached_scripts',
  maxmemory: 'memory_max_bytes',
  maxmemory_reservation: 'memory_max_reservation_bytes',
  maxmemory_desired_reservation: 'memory_max_reservation_desired_bytes',
  maxfragmentationmemory_reservation: 'memory_max_fragmentation_reservation_bytes',
  maxfragmentationmemory_desired_reservation: 'memory_max_fragmentation_reservation_desired_bytes',
  mem_fragmentation_ratio: 'mem_fragmentation_ratio',
  mem_fragmentation_bytes: 'mem_fragmentation_bytes',
  mem_clients_slaves: 'mem_clients_slaves',
  mem_clients_normal: 'mem_clients_normal',
  expired_stale_perc: 'expired_stale_percentage',
  mem_not_counted_for_evict: 'mem_not_counted_for_eviction_bytes',
  lazyfree_pending_objects: 'lazyfree_pending_objects',
  active_defrag_running: 'active_defrag_running',
  migrate_cached_sockets: 'migrate_cached_sockets_total',
  active_defrag_hits: 'defrag_hits',
  active_defrag_misses: 'defrag_misses',
  active_defrag_key_hits: 'defrag_key_hits',
  active_defrag_key_misses: 'defrag_key_misses',
  expired_time_cap_reached_count: 'expired_time_cap_reached_total',
  // Persistence
  loading: 'loading_dump_file',
  rdb_changes_since_last_save: 'rdb_changes_since_last_save',
  rdb_bgsave_in_progress: 'rdb_bgsave_in_progress',
  rdb_last_save_time: 'rdb_last_save_timestamp_seconds',
  rdb_last_bgsave_status: 'rdb_last_bgsave_status',
  rdb_last_bgsave_time_sec: 'rdb_last_bgsave_duration_sec',
  rdb_current_bgsave_time_sec: 'rdb_current_bgsave_duration_sec',
  rdb_last_cow_size: 'rdb_last_cow_size_bytes',
  aof_enabled: 'aof_enabled',
  aof_rewrite_in_progress: 'aof_rewrite_in_progress',
  aof_rewrite_scheduled: 'aof_rewrite_scheduled',
  aof_last_rewrite_time_sec: 'aof_last_rewrite_duration_sec',
  aof_current_rewrite_time_sec: 'aof_current_rewrite_duration_sec',
  aof_last_cow_size: 'aof_last_cow_size_bytes',
  aof_current_size: 'aof_current_size_bytes',
  aof_base_size: 'aof_base_size_bytes',
  aof_pending_rewrite: 'aof_pending_rewrite',
  aof_buffer_length: 'aof_buffer_length',
  aof_rewrite_buffer_length: 'aof_rewrite_buffer_length',
  aof_pending_bio_fsync: 'aof_pending_bio_fsync',
  aof_delayed_fsync: 'aof_delayed_fsync',
  aof_last_bgrewrite_status: 'aof_last_bgrewrite_status',
  aof_last_write_status: 'aof_last_write_status',
  module_fork_in_progress: 'module_fork_in_progress',
  module_fork_last_cow_size: 'module_fork_last_cow_size',
  // Stats
  pubsub_channels: 'pubsub_channels',
  pubsub_patterns: 'pubsub_patterns',
  latest_fork_usec: 'latest_fork_usec', // exported as latest_fork_seconds (value / 1e6)
  tracking_total_keys: 'tracking_total_keys',
  tracking_total_items: 'tracking_total_items',
  tracking_total_prefixes: 'tracking_total_prefixes',
  // Replication
  connected_slaves: 'connected_slaves',
  repl_backlog_size: 'replication_backlog_bytes',
  repl_backlog_active: 'repl_backlog_is_active',
  repl_backlog_first_byte_offset: 'repl_backlog_first_byte_offset',
  repl_backlog_histlen: 'repl_backlog_history_bytes',
  master_repl_offset: 'master_repl_offset',
  second_repl_offset: 'second_repl_offset',
  slave_expires_tracked_keys: 'slave_expires_tracked_keys',
  slave_priority: 'slave_priority',
  sync_full: 'replica_resyncs_full',
  sync_partial_ok: 'replica_partial_resync_accepted',
  sync_partial_err: 'replica_partial_resync_denied',
  // Cluster
  cluster_stats_messages_sent: 'cluster_messages_sent_total',
  cluster_stats_messages_received: 'cluster_messages_received_total',
  // KeyDB
  server_threads: 'server_threads_total',
  long_lock_waits: 'long_lock_waits_total',
  current_client_thread: 'current_client_thread',
};

export const INFO_COUNTERS: Readonly<Record<string, string>> = {
  total_connections_received: 'connections_received_total',
  total_commands_processed: 'commands_processed_total',
  rejected_connections: 'rejected_connections_total',
  total_net_input_bytes: 'net_input_bytes_total',
  total_net_output_bytes: 'net_output_bytes_total',
  expired_keys: 'expired_keys_total',
  cached_keys: 'cached_keys_total',
  evicted_keys: 'evicted_keys_total',
  keyspace_hits: 'keyspace_hits_total',
  keyspace_misses: 'keyspace_misses_total',
  used_cpu_sys: 'cpu_sys_seconds_total',
  used_cpu_user: 'cpu_user_seconds_total',
  used_cpu_sys_children: 'cpu_sys_children_seconds_total',
  used_cpu_user_children: 'cpu_user_children_seconds_total',
  used_cpu_sys_main_thread: 'cpu_sys_main_thread_seconds_total',
  used_cpu_user_main_thread: 'cpu_user_main_thread_seconds_total',
  unexpected_error_replies: 'unexpected_error_replies',
  total_error_replies: 'total_error_replies',
  total_reads_processed: 'total_reads_processed',
  total_writes_processed: 'total_writes_processed',
  io_threaded_reads_processed: 'io_threaded_reads_processed',
  io_threaded_writes_processed: 'io_threaded_writes_processed',
  dump_payload_sanitizations: 'dump_payload_sanitizations',
  storage_provider_read_hits: 'storage_provider_read_hits',
  storage_provider_read_misses: 'storage_provider_read_misses',
};

/** Families with their own help text and fixed label names (everything else: "<name> metric"). */
export const DESCRIPTIONS: Readonly<Record<string, { help: string; labels?: readonly string[] }>> = {
  commands_duration_seconds_total: { help: 'Total amount of time in seconds spent per command', labels: ['cmd'] },
  commands_failed_calls_total: { help: 'Total number of errors prior command execution per command', labels: ['cmd'] },
  commands_rejected_calls_total: { help: 'Total number of errors within command execution per command', labels: ['cmd'] },
  commands_total: { help: 'Total number of calls per command', labels: ['cmd'] },
  latency_percentiles_usec: { help: 'A summary of latency percentile distribution per command', labels: ['cmd'] },
  config_key_value: { help: 'Config key and value', labels: ['key', 'value'] },
  config_value: { help: 'Config key and value as metric', labels: ['key'] },
  connected_clients_details: { help: 'Details about connected clients' },
  connected_slave_lag_seconds: { help: 'Lag of connected slave', labels: ['slave_ip', 'slave_port', 'slave_state'] },
  connected_slave_offset_bytes: { help: 'Offset of connected slave', labels: ['slave_ip', 'slave_port', 'slave_state'] },
  db_avg_ttl_seconds: { help: 'Avg TTL in seconds', labels: ['db'] },
  db_keys: { help: 'Total number of keys by DB', labels: ['db'] },
  db_keys_expiring: { help: 'Total number of expiring keys by DB', labels: ['db'] },
  db_keys_cached: { help: 'Total number of cached keys by DB', labels: ['db'] },
  errors_total: { help: 'Total number of errors per error type', labels: ['err'] },
  exporter_last_scrape_error: { help: 'The last scrape error status.', labels: ['err'] },
  instance_info: {
    help: 'Information about the Redis instance',
    labels: ['role', 'redis_version', 'redis_build_id', 'redis_mode', 'os', 'maxmemory_policy', 'tcp_port', 'run_id', 'process_id'],
  },
  key_size: { help: 'The length or size of "key"', labels: ['db', 'key'] },
  key_value: { help: 'The value of "key"', labels: ['db', 'key'] },
  key_value_as_string: { help: 'The value of "key" as a string', labels: ['db', 'key', 'val'] },
  keys_count: { help: 'Count of keys', labels: ['db', 'key'] },
  last_slow_execution_duration_seconds: { help: 'The amount of time needed for last slow execution, in seconds' },
  latency_spike_duration_seconds: { help: 'Length of the last latency spike in seconds', labels: ['event_name'] },
  latency_spike_last: { help: 'When the latency spike last occurred', labels: ['event_name'] },
  master_last_io_seconds_ago: { help: 'Master last io seconds ago', labels: ['master_host', 'master_port'] },
  master_link_up: { help: 'Master link status on Redis slave', labels: ['master_host', 'master_port'] },
  master_sync_in_progress: { help: 'Master sync in progress', labels: ['master_host', 'master_port'] },
  slave_info: { help: 'Information about the Redis slave', labels: ['master_host', 'master_port', 'read_only'] },
  slave_repl_offset: { help: 'Slave replication offset', labels: ['master_host', 'master_port'] },
  slowlog_last_id: { help: 'Last id of slowlog' },
  slowlog_length: { help: 'Total slowlog' },
  start_time_seconds: { help: 'Start time of the Redis instance since unix epoch in seconds.' },
  up: { help: 'Information about the Redis instance' },
  exporter_scrapes_total: { help: 'Current total redis scrapes.' },
  exporter_scrape_duration_seconds: { help: 'Durations of scrapes by the exporter' },
  target_scrape_request_errors_total: { help: 'Errors in requests to the exporter' },
  exporter_build_info: { help: 'redis exporter build_info', labels: ['version', 'commit_sha', 'build_date', 'golang_version'] },
};

/**
 * `--lint-clean-names`: the 14 names in redis_exporter 1.45's output that `promtool check
 * metrics` flags, renamed (and where needed retyped or rescaled). Without the option the
 * compatible names are kept, because dashboards query them.
 */
export const LINT_CLEAN: Readonly<Record<string, { name: string; type?: MetricType; scale?: number }>> = {
  aof_current_rewrite_duration_sec: { name: 'aof_current_rewrite_duration_seconds' },
  aof_last_rewrite_duration_sec: { name: 'aof_last_rewrite_duration_seconds' },
  rdb_current_bgsave_duration_sec: { name: 'rdb_current_bgsave_duration_seconds' },
  rdb_last_bgsave_duration_sec: { name: 'rdb_last_bgsave_duration_seconds' },
  dump_payload_sanitizations: { name: 'dump_payload_sanitizations_total' },
  expired_time_cap_reached_total: { name: 'expired_time_cap_reached_total', type: 'counter' },
  io_threaded_reads_processed: { name: 'io_threaded_reads_processed_total' },
  io_threaded_writes_processed: { name: 'io_threaded_writes_processed_total' },
  migrate_cached_sockets_total: { name: 'migrate_cached_sockets' },
  total_error_replies: { name: 'error_replies_total' },
  total_reads_processed: { name: 'reads_processed_total' },
  total_writes_processed: { name: 'writes_processed_total' },
  unexpected_error_replies: { name: 'unexpected_error_replies_total' },
  last_key_groups_scrape_duration_milliseconds: { name: 'last_key_groups_scrape_duration_seconds', scale: 1e-3 },
};

/** Config keys the exporter needs (everything else is only fetched with --include-config-metrics). */
export const CONFIG_KEYS = ['databases', 'io-threads', 'maxclients', 'maxmemory'] as const;
/** CONFIG values that become `config_<key>` gauges (redis_exporter's list). */
export const CONFIG_GAUGES = new Set(['io-threads', 'maxclients', 'maxmemory']);
/** Never exported, whatever the flags: they hold secrets. */
export const REDACTED_CONFIG = new Set(['masterauth', 'requirepass', 'tls-key-file-pass', 'tls-client-key-file-pass']);

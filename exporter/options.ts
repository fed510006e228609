/**
 * redis_exporter 1.45's flags and environment variables, turned into ExporterOptions.
 *
 * Flags are accepted as `--redis.addr X`, `--redis.addr=X` and Go's single-dash
 * `-redis.addr X` / `-redis.addr=X`; booleans as `--flag`, `--flag=true|false`. Each flag's
 * environment variable (REDIS_ADDR, REDIS_PASSWORD, REDIS_EXPORTER_*) is its default.
 */
import { readFileSync } from 'node:fs';
import { RedkitError } from '../tools/errors.js';
import type { ExporterOptions } from './app.js';
import { readPasswordFile } from './target.js';

export interface FlagSpec {
  flag: string;
  env?: string;
  kind: 'string' | 'bool' | 'int' | 'duration';
  default: string;
  help: string;
  /** Accepted for compatibility, does nothing here (the reason is printed as a warning). */
  ignored?: string;
}

export const FLAGS: readonly FlagSpec[] = [
  { flag: 'redis.addr', env: 'REDIS_ADDR', kind: 'string', default: 'redis://localhost:6379', help: 'Address of the Redis instance to scrape' },
  { flag: 'redis.user', env: 'REDIS_USER', kind: 'string', default: '', help: 'User name to use for authentication (Redis ACL)' },
  { flag: 'redis.password', env: 'REDIS_PASSWORD', kind: 'string', default: '', help: 'Password of the Redis instance to scrape' },
  { flag: 'redis.password-file', env: 'REDIS_PASSWORD_FILE', kind: 'string', default: '', help: 'JSON file mapping target URIs to passwords' },
  { flag: 'namespace', env: 'REDIS_EXPORTER_NAMESPACE', kind: 'string', default: 'redis', help: 'Namespace for metrics' },
  { flag: 'check-keys', env: 'REDIS_EXPORTER_CHECK_KEYS', kind: 'string', default: '', help: 'Comma separated key patterns (db0=user:*) to export size/value of, found with SCAN' },
  { flag: 'check-single-keys', env: 'REDIS_EXPORTER_CHECK_SINGLE_KEYS', kind: 'string', default: '', help: 'Comma separated keys (db0=counter) to export size/value of' },
  { flag: 'count-keys', env: 'REDIS_EXPORTER_COUNT_KEYS', kind: 'string', default: '', help: 'Comma separated patterns to count (db0=sessions:*), with SCAN' },
  { flag: 'check-keys-batch-size', env: 'REDIS_EXPORTER_CHECK_KEYS_BATCH_SIZE', kind: 'int', default: '1000', help: 'COUNT for each SCAN' },
  { flag: 'web.listen-address', env: 'REDIS_EXPORTER_WEB_LISTEN_ADDRESS', kind: 'string', default: ':9121', help: 'Address to listen on for web interface and telemetry' },
  { flag: 'web.telemetry-path', env: 'REDIS_EXPORTER_WEB_TELEMETRY_PATH', kind: 'string', default: '/metrics', help: 'Path under which to expose metrics' },
  { flag: 'config-command', env: 'REDIS_EXPORTER_CONFIG_COMMAND', kind: 'string', default: 'CONFIG', help: 'What to use for the CONFIG command' },
  { flag: 'connection-timeout', env: 'REDIS_EXPORTER_CONNECTION_TIMEOUT', kind: 'duration', default: '15s', help: 'Timeout for connecting to Redis and for one scrape' },
  { flag: 'tls-client-key-file', env: 'REDIS_EXPORTER_TLS_CLIENT_KEY_FILE', kind: 'string', default: '', help: 'Client key file for TLS client authentication' },
  { flag: 'tls-client-cert-file', env: 'REDIS_EXPORTER_TLS_CLIENT_CERT_FILE', kind: 'string', default: '', help: 'Client certificate file for TLS client authentication' },
  { flag: 'tls-ca-cert-file', env: 'REDIS_EXPORTER_TLS_CA_CERT_FILE', kind: 'string', default: '', help: 'CA certificate file to verify the Redis server' },
  { flag: 'tls-server-key-file', env: 'REDIS_EXPORTER_TLS_SERVER_KEY_FILE', kind: 'string', default: '', help: 'Key file to serve metrics over HTTPS' },
  { flag: 'tls-server-cert-file', env: 'REDIS_EXPORTER_TLS_SERVER_CERT_FILE', kind: 'string', default: '', help: 'Certificate file to serve metrics over HTTPS' },
  { flag: 'tls-server-ca-cert-file', env: 'REDIS_EXPORTER_TLS_SERVER_CA_CERT_FILE', kind: 'string', default: '', help: 'CA file to require HTTPS client certificates' },
  { flag: 'tls-server-min-version', env: 'REDIS_EXPORTER_TLS_SERVER_MIN_VERSION', kind: 'string', default: 'TLS1.2', help: 'Minimum TLS version for HTTPS' },
  { flag: 'skip-tls-verification', env: 'REDIS_EXPORTER_SKIP_TLS_VERIFICATION', kind: 'bool', default: 'false', help: 'Skip TLS verification of the Redis server' },
  { flag: 'include-system-metrics', env: 'REDIS_EXPORTER_INCL_SYSTEM_METRICS', kind: 'bool', default: 'false', help: 'Include redis_total_system_memory_bytes' },
  { flag: 'include-config-metrics', env: 'REDIS_EXPORTER_INCL_CONFIG_METRICS', kind: 'bool', default: 'false', help: 'Export all CONFIG values (runs CONFIG GET * per scrape; secrets always redacted)' },
  { flag: 'redact-config-metrics', env: 'REDIS_EXPORTER_REDACT_CONFIG_METRICS', kind: 'bool', default: 'true', help: 'Always on here: secrets are never exported' },
  { flag: 'export-client-list', env: 'REDIS_EXPORTER_EXPORT_CLIENT_LIST', kind: 'bool', default: 'false', help: 'Export CLIENT LIST as redis_connected_clients_details' },
  { flag: 'export-client-port', env: 'REDIS_EXPORTER_EXPORT_CLIENT_PORT', kind: 'bool', default: 'false', help: 'Include the client port in the client list labels' },
  { flag: 'set-client-name', env: 'REDIS_EXPORTER_SET_CLIENT_NAME', kind: 'bool', default: 'true', help: 'CLIENT SETNAME redis_exporter on connect' },
  { flag: 'redis-only-metrics', env: 'REDIS_EXPORTER_REDIS_ONLY_METRICS', kind: 'bool', default: 'false', help: 'Do not export process_/nodejs_ metrics' },
  { flag: 'lint-clean-names', env: 'REDKIT_EXPORTER_LINT_CLEAN_NAMES', kind: 'bool', default: 'false', help: 'Rename the 14 metrics promtool check metrics flags (see README)' },
  { flag: 'ping-on-connect', env: 'REDIS_EXPORTER_PING_ON_CONNECT', kind: 'bool', default: 'false', help: 'Accepted; not needed with a persistent connection', ignored: 'the connection is persistent' },
  { flag: 'is-tile38', env: 'REDIS_EXPORTER_IS_TILE38', kind: 'bool', default: 'false', help: 'Not supported', ignored: 'Tile38 is not supported' },
  { flag: 'is-cluster', env: 'REDIS_EXPORTER_IS_CLUSTER', kind: 'bool', default: 'false', help: 'Not supported', ignored: 'cluster key checks are not supported' },
  { flag: 'check-key-groups', env: 'REDIS_EXPORTER_CHECK_KEY_GROUPS', kind: 'string', default: '', help: 'Not supported', ignored: 'key groups (Lua) are not supported' },
  { flag: 'max-distinct-key-groups', env: 'REDIS_EXPORTER_MAX_DISTINCT_KEY_GROUPS', kind: 'int', default: '100', help: 'Not supported', ignored: 'key groups are not supported' },
  { flag: 'check-streams', env: 'REDIS_EXPORTER_CHECK_STREAMS', kind: 'string', default: '', help: 'Not supported', ignored: 'stream checks are not supported' },
  { flag: 'check-single-streams', env: 'REDIS_EXPORTER_CHECK_SINGLE_STREAMS', kind: 'string', default: '', help: 'Not supported', ignored: 'stream checks are not supported' },
  { flag: 'script', env: 'REDIS_EXPORTER_SCRIPT', kind: 'string', default: '', help: 'Not supported', ignored: 'Lua collect scripts are not supported' },
  { flag: 'log-format', env: 'REDIS_EXPORTER_LOG_FORMAT', kind: 'string', default: 'txt', help: 'Accepted; logs are plain text' },
  { flag: 'debug', env: 'REDIS_EXPORTER_DEBUG', kind: 'bool', default: 'false', help: 'Accepted; no debug output' },
];

/** Go's time.ParseDuration for the forms people use: 15s, 500ms, 1m30s, 2h. */
export function parseDuration(s: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|us|µs|ns|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const m of s.matchAll(re)) {
    const n = Number(m[1]);
    const unit = m[2]!;
    total += n * ({ ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as Record<string, number>)[unit]!;
    consumed += m[0].length;
  }
  if (consumed === 0 || consumed !== s.length) throw new RedkitError('REDKIT_E_USAGE', `invalid duration "${s}" (use e.g. 15s, 500ms)`);
  return total;
}

function parseBool(flag: string, v: string): boolean {
  if (/^(1|t|true|yes)$/i.test(v)) return true;
  if (/^(0|f|false|no)$/i.test(v)) return false;
  throw new RedkitError('REDKIT_E_USAGE', `--${flag}: invalid boolean "${v}"`);
}

/**
 * Parses argv (after `redkit exporter`) plus environment into raw flag values.
 * Returns the values by flag name; unknown flags are a usage error.
 */
export function parseFlags(argv: readonly string[], env: NodeJS.ProcessEnv): Map<string, string> {
  const byName = new Map(FLAGS.map((f) => [f.flag, f]));
  const values = new Map<string, string>();
  for (const f of FLAGS) values.set(f.flag, (f.env && env[f.env]) || f.default);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--?([a-z0-9][a-z0-9.-]*)(?:=(.*))?$/i.exec(arg);
    if (!m) throw new RedkitError('REDKIT_E_USAGE', `unexpected argument "${arg}"`);
    const spec = byName.get(m[1]!);
    if (!spec) throw new RedkitError('REDKIT_E_USAGE', `unknown flag "${arg}" (see redkit exporter --help)`);
    if (spec.kind === 'bool') {
      values.set(spec.flag, m[2] === undefined ? 'true' : m[2]);
      continue;
    }
    let v = m[2];
    if (v === undefined) {
      v = argv[++i];
      if (v === undefined) throw new RedkitError('REDKIT_E_USAGE', `flag --${spec.flag} needs a value`);
    }
    values.set(spec.flag, v);
  }
  return values;
}

export interface ResolvedFlags {
  options: ExporterOptions;
  warnings: string[];
}

/** Raw flag values -> ExporterOptions (reads password and TLS files). */
export function resolveFlags(values: ReadonlyMap<string, string>): ResolvedFlags {
  const s = (k: string) => values.get(k) ?? '';
  const b = (k: string) => parseBool(k, s(k));
  const warnings: string[] = [];
  for (const f of FLAGS) {
    if (!f.ignored) continue;
    const v = s(f.flag);
    if (v !== f.default && !(f.kind === 'bool' && !parseBool(f.flag, v))) warnings.push(`--${f.flag} ignored: ${f.ignored}`);
  }
  const batch = Number(s('check-keys-batch-size'));
  if (!Number.isInteger(batch) || batch <= 0) throw new RedkitError('REDKIT_E_USAGE', '--check-keys-batch-size must be a positive integer');
  const read = (k: string): Buffer | undefined => {
    const p = s(k);
    if (!p) return undefined;
    try {
      return readFileSync(p);
    } catch {
      throw new RedkitError('REDKIT_E_USAGE', `--${k}: cannot read ${p}`);
    }
  };
  const options: ExporterOptions = {
    addr: s('redis.addr'),
    listenAddress: s('web.listen-address'),
    telemetryPath: s('web.telemetry-path').startsWith('/') ? s('web.telemetry-path') : `/${s('web.telemetry-path')}`,
    namespace: s('namespace'),
    timeoutMs: parseDuration(s('connection-timeout')),
    lintCleanNames: b('lint-clean-names'),
    includeSystemMetrics: b('include-system-metrics'),
    includeConfigMetrics: b('include-config-metrics'),
    exportClientList: b('export-client-list'),
    exportClientPort: b('export-client-port'),
    setClientName: b('set-client-name'),
    redisOnlyMetrics: b('redis-only-metrics'),
    checkKeys: s('check-keys'),
    checkSingleKeys: s('check-single-keys'),
    countKeys: s('count-keys'),
    checkKeysBatchSize: batch,
    configCommand: s('config-command'),
  };
  if (s('redis.user')) options.user = s('redis.user');
  if (s('redis.password')) options.password = s('redis.password');
  if (s('redis.password-file')) {
    try {
      options.passwordMap = readPasswordFile(s('redis.password-file'));
    } catch {
      // Never echo the file's content: it holds passwords.
      throw new RedkitError('REDKIT_E_USAGE', `--redis.password-file: cannot read ${s('redis.password-file')} as a JSON object`);
    }
  }
  const ca = read('tls-ca-cert-file');
  const cert = read('tls-client-cert-file');
  const key = read('tls-client-key-file');
  if (ca || cert || key || b('skip-tls-verification')) {
    options.tls = {
      ...(ca ? { ca } : {}),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
      ...(b('skip-tls-verification') ? { rejectUnauthorized: false } : {}),
    };
  }
  const serverCert = read('tls-server-cert-file');
  const serverKey = read('tls-server-key-file');
  if (serverCert || serverKey) {
    if (!serverCert || !serverKey) throw new RedkitError('REDKIT_E_USAGE', '--tls-server-cert-file and --tls-server-key-file go together');
    const serverCa = read('tls-server-ca-cert-file');
    const minVersion = s('tls-server-min-version').replace(/^TLS(\d)\.(\d)$/i, 'TLSv$1.$2') as 'TLSv1.2' | 'TLSv1.3';
    options.https = {
      cert: serverCert,
      key: serverKey,
      minVersion,
      ...(serverCa ? { ca: serverCa, requestCert: true, rejectUnauthorized: true } : {}),
    };
  }
  return { options, warnings };
}

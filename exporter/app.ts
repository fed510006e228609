/**
 * The exporter's HTTP side (fastify): `/metrics` scrapes the configured Redis, `/scrape?target=`
 * any Redis (Prometheus's multi-target pattern), `/health` answers `ok`.
 *
 * prom-client holds the exporter's process-level metrics (process_*, nodejs_*, build info,
 * request errors); the Redis families are rendered per scrape from a MetricSet, which is
 * cheaper than re-registering a few hundred prom-client gauges on every scrape.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { Target, parseAddr, redactAddr, type TargetOptions } from './target.js';
import { TargetError } from './connection.js';
import type { SecureContextOptions } from 'node:tls';

export const EXPORTER_VERSION = '0.1.0';

export interface ExporterOptions extends Omit<TargetOptions, 'addr'> {
  /** Target of /metrics; '' disables it (then only /scrape works, like redis_exporter). */
  addr: string;
  /** host:port; ':9121' means all interfaces. */
  listenAddress: string;
  telemetryPath: string;
  /** Passwords per target URI (--redis.password-file). */
  passwordMap?: ReadonlyMap<string, string>;
  /** --redis-only-metrics: no process_/nodejs_ families. */
  redisOnlyMetrics?: boolean;
  /** Lines for the operator (never contain passwords). */
  log?: (line: string) => void;
  /** Forget /scrape targets not scraped for this long (ms). */
  targetIdleMs?: number;
  maxTargets?: number;
  /** Serve over HTTPS (--tls-server-cert-file / --tls-server-key-file). */
  https?: SecureContextOptions & { requestCert?: boolean; rejectUnauthorized?: boolean };
}

export interface RunningExporter {
  app: FastifyInstance;
  url: string;
  port: number;
  close(): Promise<void>;
}

export function createExporterApp(opts: ExporterOptions): FastifyInstance {
  const ns = opts.namespace;
  const prefixed = (n: string) => (ns ? `${ns}_${n}` : n);
  const registry = new Registry();
  if (!opts.redisOnlyMetrics) {
    collectDefaultMetrics({ register: registry });
    // Dropped from prom-client's defaults: the event-loop-lag family (its collect computes
    // eight statistics from a histogram, ~0.5 ms of every scrape), and the gauges named
    // *_total that fail promtool's lint (the per-type nodejs_active_handles{type=…} etc.
    // carry the same information).
    registry.removeSingleMetric('nodejs_eventloop_lag_seconds');
    for (const n of ['min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99']) registry.removeSingleMetric(`nodejs_eventloop_lag_${n}_seconds`);
    for (const n of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(n);
  }
  const requestErrors = new Counter({
    name: prefixed('target_scrape_request_errors_total'),
    help: 'Errors in requests to the exporter',
    registers: [registry],
  });
  const buildInfo = new Gauge({
    name: prefixed('exporter_build_info'),
    help: 'redis exporter build_info',
    labelNames: ['version', 'commit_sha', 'build_date', 'golang_version'],
    registers: [registry],
  });
  // golang_version is kept as a label name so dashboards that show it keep working.
  buildInfo.labels(EXPORTER_VERSION, 'redkit', '', `node ${process.version}`).set(1);

  const targetFor = (addr: string): TargetOptions => {
    const password = opts.passwordMap?.get(addr) ?? opts.password;
    return { ...opts, addr, ...(password !== undefined ? { password } : {}) };
  };
  const main = opts.addr ? new Target(targetFor(opts.addr)) : undefined;
  const targets = new Map<string, Target>();
  const idleMs = opts.targetIdleMs ?? 10 * 60_000;
  const sweeper = setInterval(() => {
    const cutoff = Date.now() - idleMs;
    for (const [k, t] of targets) if (t.lastUsed < cutoff) { t.close(); targets.delete(k); }
  }, Math.min(idleMs, 60_000));
  sweeper.unref();

  // Typed as the plain HTTP instance: routes and hooks are the same for HTTPS.
  const app = (opts.https ? Fastify({ logger: false, https: opts.https }) : Fastify({ logger: false })) as unknown as FastifyInstance;
  app.addHook('onClose', async () => {
    clearInterval(sweeper);
    main?.close();
    for (const t of targets.values()) t.close();
    targets.clear();
  });

  /** Prometheus tells us its scrape timeout; finish a little before it. */
  const deadlineOf = (headers: Record<string, unknown>): number | undefined => {
    const h = Number(headers['x-prometheus-scrape-timeout-seconds']);
    return Number.isFinite(h) && h > 0 ? Math.max(50, h * 1000 - 250) : undefined;
  };

  const exposition = async (target: Target | undefined, deadline: number | undefined, withProcess: boolean): Promise<Buffer> => {
    // The process metrics are gathered while the target's reply is in flight.
    const own = withProcess
      ? registry.metrics()
      : Promise.all([registry.getSingleMetricAsString(prefixed('target_scrape_request_errors_total')),
        registry.getSingleMetricAsString(prefixed('exporter_build_info'))]).then((p) => p.join('\n') + '\n');
    const redis = target ? await target.scrape(deadline) : '';
    return Buffer.from(redis + await own, 'utf8');
  };
  const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

  app.get(opts.telemetryPath, async (req, reply) => {
    reply.header('content-type', CONTENT_TYPE);
    return exposition(main, deadlineOf(req.headers), true);
  });

  app.get('/scrape', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const addr = q.target;
    if (!addr) {
      requestErrors.inc();
      reply.code(400).type('text/plain');
      return "'target' parameter must be specified";
    }
    try {
      parseAddr(addr);
    } catch (err) {
      requestErrors.inc();
      reply.code(400).type('text/plain');
      return `invalid 'target' parameter: ${err instanceof TargetError ? err.kind : 'invalid address'}`;
    }
    let t = targets.get(addr);
    if (!t) {
      if (targets.size >= (opts.maxTargets ?? 1000)) {
        // Drop the least recently used target.
        let oldest: [string, Target] | undefined;
        for (const e of targets) if (!oldest || e[1].lastUsed < oldest[1].lastUsed) oldest = e;
        if (oldest) { oldest[1].close(); targets.delete(oldest[0]); }
      }
      t = new Target(targetFor(addr));
      targets.set(addr, t);
    }
    reply.header('content-type', CONTENT_TYPE);
    return exposition(t, deadlineOf(req.headers), false);
  });

  app.get('/health', async (_req, reply) => {
    reply.type('text/plain');
    return 'ok';
  });

  app.get('/', async (_req, reply) => {
    reply.type('text/html');
    return `<html><head><title>Redis Exporter (redkit) v${EXPORTER_VERSION}</title></head><body>` +
      `<h1>Redis Exporter (redkit) v${EXPORTER_VERSION}</h1><p><a href="${opts.telemetryPath}">Metrics</a></p></body></html>`;
  });

  if (opts.log && opts.addr) opts.log(`redkit exporter: scraping ${redactAddr(opts.addr)}`);
  return app;
}

/** Splits redis_exporter's listen address (`:9121`, `127.0.0.1:9121`, `[::1]:9121`). */
export function parseListenAddress(addr: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(addr.trim());
  if (!m) throw new TargetError('connection error', 'invalid listen address');
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port: Number(m[3]) };
}

export async function startExporter(opts: ExporterOptions): Promise<RunningExporter> {
  const app = createExporterApp(opts);
  const { host, port } = parseListenAddress(opts.listenAddress);
  await app.listen({ host, port });
  const addr = app.server.address();
  const actual = typeof addr === 'object' && addr ? addr.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  opts.log?.(`redkit exporter: providing metrics at ${opts.https ? 'https' : 'http'}://${shownHost}:${actual}${opts.telemetryPath}`);
  return {
    app,
    port: actual,
    url: `${opts.https ? 'https' : 'http'}://${shownHost}:${actual}`,
    close: () => app.close(),
  };
}

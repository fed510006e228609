/**
 * Live capture: connects to a server, sends MONITOR, and hands every line to `onLine` until
 * `durationMs` has passed, `lines` lines have arrived, the connection closes, or `signal`
 * aborts (Ctrl-C in the CLI). The MONITOR connection is closed before returning.
 */
import { RedisClient, parseRedisUrl } from '../client/index.js';

export interface LiveCaptureOptions {
  durationMs?: number;
  lines?: number;
  signal?: AbortSignal;
  onLine: (line: Buffer) => void;
}

export interface LiveCaptureResult {
  lines: number;
  stoppedBy: 'duration' | 'lines' | 'closed' | 'aborted';
}

export async function captureMonitor(url: string, opts: LiveCaptureOptions): Promise<LiveCaptureResult> {
  const client = await RedisClient.connect({ ...parseRedisUrl(url), name: 'redkit-monitor' });
  let count = 0;
  let done: (why: LiveCaptureResult['stoppedBy']) => void = () => undefined;
  const finished = new Promise<LiveCaptureResult['stoppedBy']>((resolve) => {
    done = resolve;
  });
  const limit = opts.lines ?? Infinity;
  const timer = opts.durationMs !== undefined ? setTimeout(() => done('duration'), opts.durationMs) : undefined;
  const onAbort = (): void => done('aborted');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  client.onClose(() => done('closed'));
  try {
    if (limit > 0) {
      await client.monitor((line) => {
        if (count >= limit) return;
        count++;
        opts.onLine(Buffer.from(line, 'latin1'));
        if (count >= limit) done('lines');
      });
    } else done('lines');
    const stoppedBy = await finished;
    return { lines: count, stoppedBy };
  } finally {
    if (timer) clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    client.destroy();
  }
}

/** `30s`, `500ms`, `2m`, `1h`, or a bare number of seconds -> milliseconds (NaN if invalid). */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n * 3_600_000;
}

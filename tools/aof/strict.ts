/**
 * Loader-faithful check: what redis-server 7.0 itself would do with these AOF files at startup
 * (loadAppendOnlyFiles / loadSingleAppendOnlyFile in aof.c), which is not what redis-check-aof
 * says. The server:
 *   - loads bare-LF headers and ignores the two bytes after a bulk (redis-check-aof rejects both);
 *   - refuses `*0`, a non-`*` line, a missing `$` header, and any unknown command or subcommand
 *     (redis-check-aof passes those);
 *   - runs commands with a wrong arity without checking (undefined behaviour, may crash);
 *   - ignores errors of nested MULTI / EXEC without MULTI (replies to its fake client are dropped);
 *   - on EOF inside a command or a MULTI block truncates the LAST file at the last complete
 *     command (or before the MULTI) when aof-load-truncated is yes (default), and fails if
 *     the damaged file is not the last one or the option is off;
 *   - fails when a file listed in the manifest is missing.
 */
import { COMMAND_ARITY, CONTAINERS } from './command-table.js';
import { resolveLayout, readAofSetBatches, type AofLayout } from './layout.js';
import { RedkitError } from '../errors.js';

export type Severity = 'fatal' | 'truncate' | 'risk' | 'note';

export interface StrictFinding {
  severity: Severity;
  file: string;
  offset: number;
  line: number;
  /** Stable short code: unknown-command, unknown-subcommand, wrong-arity, nested-multi, exec-without-multi, star-zero, format, bad-header, negative-length, truncated, eof-in-multi, not-last-file, missing-file, rdb-damaged, bare-lf, no-crlf. */
  code: string;
  message: string;
}

export interface StrictResult {
  /** 'loads': starts cleanly; 'loads-truncated': starts after truncating the last file (aof-load-truncated yes); 'refuses': does not start. */
  verdict: 'loads' | 'loads-truncated' | 'refuses';
  findings: StrictFinding[];
  commands: number;
  /** Where the server would truncate (loads-truncated). */
  truncate?: { file: string; offset: number };
  /** Where loading stops (refuses). */
  stop?: { file: string; offset: number };
}

export interface StrictOptions {
  /** aof-load-truncated (default yes, as in redis.conf). */
  aofLoadTruncated?: boolean;
  /** At most this many notes/risks are listed (fatal ones always). Default 100. */
  maxFindings?: number;
  progress?: (done: number, total: number) => void;
}

function lookup(args: Buffer[]): { ok: true; key: string } | { ok: false; code: string; name: string } {
  const name = args[0]!.toString('latin1').toLowerCase();
  if (COMMAND_ARITY[name] === undefined) return { ok: false, code: 'unknown-command', name: args[0]!.toString('latin1') };
  if (args.length >= 2 && CONTAINERS.has(name)) {
    const sub = `${name}|${args[1]!.toString('latin1').toLowerCase()}`;
    if (COMMAND_ARITY[sub] === undefined) return { ok: false, code: 'unknown-subcommand', name: `${args[0]!.toString('latin1')} ${args[1]!.toString('latin1')}` };
    return { ok: true, key: sub };
  }
  return { ok: true, key: name };
}

export async function strictCheck(input: string | AofLayout, opts: StrictOptions = {}): Promise<StrictResult> {
  const loadTruncated = opts.aofLoadTruncated ?? true;
  const maxFindings = opts.maxFindings ?? 100;
  let layout: AofLayout;
  try {
    layout = typeof input === 'string' ? await resolveLayout(input) : input;
  } catch (err) {
    if (err instanceof RedkitError && (err.code === 'REDKIT_E_NOT_FOUND' || err.code === 'REDKIT_E_RDB_CORRUPT')) {
      const f: StrictFinding = { severity: 'fatal', file: err.file ?? String(input), offset: err.offset ?? 0, line: 0, code: err.code === 'REDKIT_E_NOT_FOUND' ? 'missing-file' : 'rdb-damaged', message: err.message };
      return { verdict: 'refuses', findings: [f], commands: 0, stop: { file: f.file, offset: f.offset } };
    }
    throw err;
  }
  const findings: StrictFinding[] = [];
  let minor = 0;
  const add = (f: StrictFinding) => {
    if (f.severity === 'fatal' || f.severity === 'truncate' || minor++ < maxFindings) findings.push(f);
  };
  let commands = 0;
  const parts = layout.parts;
  let partIdx = -1;
  let multi = false;
  let validUpTo = 0;
  let validBeforeMulti = 0;
  let lastLine = 1;

  /** End of one file: EOF inside MULTI is handled like a short read. */
  const endOfPart = (): StrictResult | undefined => {
    if (partIdx < 0 || !multi) return undefined;
    const part = parts[partIdx]!;
    return shortRead(part.name, validBeforeMulti, lastLine, 'eof-in-multi', `EOF inside MULTI/EXEC: the server reverts the incomplete transaction in ${part.name}`);
  };
  const shortRead = (file: string, at: number, line: number, code: string, message: string): StrictResult => {
    const last = partIdx === parts.length - 1;
    if (loadTruncated && last) {
      add({ severity: 'truncate', file, offset: at, line, code, message: `${message}; with aof-load-truncated yes it truncates ${file} at offset ${at} and starts` });
      return { verdict: 'loads-truncated', findings, commands, truncate: { file, offset: at } };
    }
    add({ severity: 'fatal', file, offset: at, line, code, message });
    if (!last) add({ severity: 'fatal', file, offset: at, line, code: 'not-last-file', message: 'Fatal error: the truncated file is not the last file' });
    else add({ severity: 'fatal', file, offset: at, line, code, message: 'aof-load-truncated is no: the server refuses to start' });
    return { verdict: 'refuses', findings, commands, stop: { file, offset: at } };
  };

  for await (const batch of readAofSetBatches(layout, opts.progress ? { progress: opts.progress } : {})) for (const rec of batch) {
    if (rec.part !== partIdx) {
      const r = endOfPart();
      if (r) return r;
      partIdx = rec.part;
      multi = false;
      validUpTo = parts[partIdx]!.rdbEnd;
      validBeforeMulti = validUpTo;
    }
    if (rec.kind === 'rdb' || rec.kind === 'annotation') continue;
    lastLine = rec.line;
    if (rec.kind === 'damage') {
      if (rec.reason === 'truncated') {
        return shortRead(rec.file, validUpTo, rec.line, 'truncated', `Unexpected end of file reading the append only file ${rec.file} (${rec.detail})`);
      }
      const code = rec.reason === 'bad-argc' ? (rec.detail.startsWith('argument count') ? 'star-zero' : 'format') : rec.reason === 'bad-length' ? 'negative-length' : rec.reason === 'bad-header' ? 'bad-header' : 'format';
      const message = rec.reason === 'bad-length'
        ? `${rec.detail}: the server would try to allocate it and abort`
        : `Bad file format reading the append only file ${rec.file} (${rec.detail})`;
      add({ severity: 'fatal', file: rec.file, offset: rec.offset, line: rec.line, code, message });
      return { verdict: 'refuses', findings, commands, stop: { file: rec.file, offset: rec.offset } };
    }
    commands++;
    const l = lookup(rec.args);
    if (!l.ok) {
      add({ severity: 'fatal', file: rec.file, offset: rec.offset, line: rec.line, code: l.code, message: `Unknown command '${l.name}' reading the append only file ${rec.file}` });
      return { verdict: 'refuses', findings, commands, stop: { file: rec.file, offset: rec.offset } };
    }
    const arity = COMMAND_ARITY[l.key]!;
    const argc = rec.args.length;
    if (arity > 0 ? argc !== arity : argc < -arity) {
      add({ severity: 'risk', file: rec.file, offset: rec.offset, line: rec.line, code: 'wrong-arity', message: `wrong number of arguments for '${l.key.replace('|', ' ')}' (${argc}): the loader runs it unchecked (undefined behaviour, may crash)` });
    }
    for (const q of rec.quirks ?? []) {
      add({ severity: 'note', file: rec.file, offset: rec.offset, line: rec.line, code: q, message: q === 'bare-lf' ? 'bare-LF header: the server loads it, redis-check-aof rejects it' : 'bulk not followed by CRLF: the server skips the two bytes anyway, redis-check-aof rejects it' });
    }
    const name = l.key;
    if (name === 'multi') {
      if (multi) add({ severity: 'risk', file: rec.file, offset: rec.offset, line: rec.line, code: 'nested-multi', message: 'nested MULTI: queued, then refused inside EXEC (error reply dropped by the loader)' });
      else validBeforeMulti = validUpTo;
      multi = true;
    } else if (name === 'exec') {
      if (!multi) add({ severity: 'risk', file: rec.file, offset: rec.offset, line: rec.line, code: 'exec-without-multi', message: 'EXEC without MULTI: error reply dropped by the loader' });
      multi = false;
    }
    validUpTo = rec.offset + rec.length;
  }
  const r = endOfPart();
  if (r) return r;
  return { verdict: 'loads', findings, commands };
}

/** Human-readable report. */
export function formatStrict(r: StrictResult): string {
  const out: string[] = [];
  for (const f of r.findings) out.push(`${f.severity.toUpperCase()} ${f.file} offset ${f.offset} line ${f.line} [${f.code}]: ${f.message}`);
  out.push(`${r.commands} commands read`);
  if (r.verdict === 'loads') out.push(r.findings.some((f) => f.severity === 'risk') ? 'redis-server 7.0 would load these files (with the risks above)' : 'redis-server 7.0 would load these files');
  else if (r.verdict === 'loads-truncated') out.push(`redis-server 7.0 would start only by truncating ${r.truncate!.file} at offset ${r.truncate!.offset} (aof-load-truncated yes)`);
  else out.push(`redis-server 7.0 would refuse to start: ${r.stop!.file} offset ${r.stop!.offset}`);
  return `${out.join('\n')}\n`;
}

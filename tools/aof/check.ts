/**
 * `redkit aof check`: redis-check-aof 7.0.15 compatible check and fix of a single AOF, an
 * RDB-preamble AOF or a Redis 7 multi-part set (manifest or directory).
 *
 * stdout carries exactly the lines the C tool prints, in the same order, and the exit code is
 * the same (0 valid / empty / fixed, 1 otherwise). Differences, on purpose:
 *   - input type: a file is a manifest only when its first non-comment line starts with
 *     `file` (the C tool takes any file with such a line anywhere, e.g. a key named
 *     `filename`, for a manifest and fails); a directory is accepted (its one `*.manifest`);
 *   - `--fix` never truncates in place: the fixed file is written beside the original and
 *     renamed over it, and the original is kept as a backup (reported on stderr);
 *   - `--yes` answers the prompt.
 */
import { promises as fsp, constants as fsConstants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CheckScanner, newCheckGlobals, type CheckGlobals, type ScanStop } from './check-scanner.js';
import { parseManifest, ManifestError, type AofManifest } from './manifest.js';
import { checkRdbPreamble } from './rdb-preamble.js';
import { truncateWithBackup } from './fsutil.js';

export interface CheckAofOptions {
  fix?: boolean;
  /** Answer yes to the "Continue? [y/N]" question. */
  yes?: boolean;
  /** `--truncate-to-timestamp` (unix seconds); 0n or undefined = off. */
  toTimestamp?: bigint;
  /** Where to keep the original when fixing (default `<file>.bak`, or `.bak.N` if taken). */
  backup?: string;
  /** Prints stdout text (latin1: one char per byte, as the C tool's bytes). */
  print: (text: string) => void;
  /** Extra human notes (backups written), for stderr. */
  note?: (text: string) => void;
  /** Asks the question (after the prompt was printed); resolves to the first byte typed, or null on EOF. */
  ask?: () => Promise<string | null>;
  /** Progress: bytes done / total of the file being checked. */
  progress?: (file: string, done: number, total: number) => void;
  /** Clock for serverLog lines (manifest errors). */
  now?: () => Date;
}

export interface CheckAofResult {
  exitCode: number;
  /** Files rewritten by the run, with the backup of each. */
  fixed: { file: string; backup: string; newSize: number }[];
}

const AOF_CHECK_OK = 0;
const AOF_CHECK_EMPTY = 1;
const AOF_CHECK_TRUNCATED = 2;
const AOF_CHECK_TIMESTAMP_TRUNCATED = 3;

/** Thrown to end the run with an exit code (the C tool's exit()). */
class Exit {
  constructor(readonly code: number) {}
}

/** Text of a path or name as the C tool prints it: its bytes, one char per byte. */
function b(s: string): string {
  return Buffer.from(s).toString('latin1');
}

function strerror(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'No such file or directory';
    case 'EACCES': return 'Permission denied';
    case 'EISDIR': return 'Is a directory';
    case 'ENOTDIR': return 'Not a directory';
    default: return (err as Error).message;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** serverLog(LL_WARNING) line as redis-check-aof prints it: `pid:C dd Mon yyyy hh:mm:ss.mmm # msg`. */
export function serverLogLine(msg: string, now: Date): string {
  const p2 = (n: number) => String(n).padStart(2, '0');
  const ts = `${p2(now.getDate())} ${MONTHS[now.getMonth()]} ${now.getFullYear()} ${p2(now.getHours())}:${p2(now.getMinutes())}:${p2(now.getSeconds())}.${String(now.getMilliseconds()).padStart(3, '0')}`;
  return `${process.pid}:C ${ts} # ${msg}\n`;
}

export type InputKind = 'manifest' | 'rdb-preamble' | 'resp';

/**
 * Classifies a file: manifest when the first line that is not a `#` comment starts with `file`;
 * RDB preamble when it starts with `REDIS` and has at least 8 bytes; RESP otherwise.
 */
export async function detectInputKind(path: string): Promise<InputKind> {
  const fh = await fsp.open(path, 'r');
  try {
    const st = await fh.stat();
    if (st.size === 0) return 'resp';
    const head = Buffer.alloc(Math.min(st.size, 64 * 1024));
    await fh.read(head, 0, head.length, 0);
    let p = 0;
    while (p < head.length && head[p] === 0x23) {
      const nl = head.indexOf(0x0a, p);
      if (nl === -1) { p = head.length; break; }
      p = nl + 1;
    }
    if (p + 4 <= head.length && head.toString('latin1', p, p + 4) === 'file') return 'manifest';
    if (st.size >= 8 && head.toString('latin1', 0, 5) === 'REDIS') return 'rdb-preamble';
    return 'resp';
  } finally {
    await fh.close();
  }
}

/** Redis's makePath(): `dir/name`, not normalised (messages show `./name` for a manifest in cwd). */
function makePath(dir: string, name: string): string {
  return `${dir}/${name}`;
}

/** Finds the manifest of an AOF directory (the only `*.manifest` file in it). */
export async function findManifestInDir(dir: string): Promise<string | undefined> {
  const names = (await fsp.readdir(dir)).filter((n) => n.endsWith('.manifest')).sort();
  return names.length === 1 ? join(dir, names[0]!) : undefined;
}

export async function checkAof(inputPath: string, opts: CheckAofOptions): Promise<CheckAofResult> {
  const run = new CheckRun(opts);
  try {
    await run.main(inputPath);
    return { exitCode: 0, fixed: run.fixed };
  } catch (err) {
    if (err instanceof Exit) return { exitCode: err.code, fixed: run.fixed };
    throw err;
  }
}

class CheckRun {
  readonly fixed: CheckAofResult['fixed'] = [];
  readonly #o: CheckAofOptions;
  readonly #g: CheckGlobals;

  constructor(opts: CheckAofOptions) {
    this.#o = opts;
    this.#g = newCheckGlobals(opts.toTimestamp ?? 0n);
  }

  #p(text: string): void {
    this.#o.print(text);
  }

  async main(inputPath: string): Promise<void> {
    let filepath = inputPath;
    let st;
    try {
      st = await fsp.stat(filepath);
    } catch (err) {
      this.#p(`Cannot open file ${b(filepath)}: ${strerror(err)}\n`);
      throw new Exit(1);
    }
    if (st.isDirectory()) {
      const m = await findManifestInDir(filepath);
      if (!m) {
        this.#p(`Cannot read file: ${b(filepath)}\n`);
        throw new Exit(1);
      }
      filepath = m;
    }
    const kind = await detectInputKind(filepath);
    if (kind === 'manifest') await this.#checkMultiPart(dirname(filepath), filepath);
    else await this.#checkOldStyle(filepath, kind === 'rdb-preamble');
  }

  async #checkOldStyle(filepath: string, preamble: boolean): Promise<void> {
    this.#p('Start checking Old-Style AOF\n');
    const ret = await this.#checkSingle(filepath, filepath, true, preamble);
    this.#p(this.#verdict('AOF', filepath, ret));
  }

  #verdict(prefix: string, name: string, ret: number): string {
    const n = b(name);
    if (ret === AOF_CHECK_OK) return `${prefix} ${n} is valid\n`;
    if (ret === AOF_CHECK_EMPTY) return `${prefix} ${n} is empty\n`;
    if (ret === AOF_CHECK_TIMESTAMP_TRUNCATED) return `Successfully truncated AOF ${n} to timestamp ${this.#g.toTimestamp}\n`;
    return `Successfully truncated AOF ${n}\n`;
  }

  async #loadManifest(path: string): Promise<AofManifest> {
    let data: Buffer;
    const now = (this.#o.now ?? (() => new Date()))();
    try {
      data = await fsp.readFile(path);
    } catch (err) {
      this.#p(serverLogLine(`Fatal error: can't open the AOF manifest file ${b(path)} for reading: ${strerror(err)}`, now));
      throw new Exit(1);
    }
    try {
      return parseManifest(data);
    } catch (err) {
      if (!(err instanceof ManifestError)) throw err;
      this.#p(serverLogLine('\n*** FATAL AOF MANIFEST FILE ERROR ***\n', now));
      if (err.lineNo !== undefined) {
        this.#p(serverLogLine(`Reading the manifest file, at line ${err.lineNo}\n`, now));
        this.#p(serverLogLine(`>>> '${err.lineText}'\n`, now));
      }
      this.#p(serverLogLine(`${err.reason}\n`, now));
      throw new Exit(1);
    }
  }

  async #checkMultiPart(dirpath: string, manifestPath: string): Promise<void> {
    this.#p('Start checking Multi Part AOF\n');
    const am = await this.#loadManifest(manifestPath);
    const total = (am.base ? 1 : 0) + am.incr.length;
    let n = 0;
    if (am.base) {
      const name = am.base.fileName;
      const path = makePath(dirpath, name);
      const last = ++n === total;
      const preamble = await this.#fileIsRdb(path);
      this.#p(`Start to check BASE AOF (${preamble ? 'RDB' : 'RESP'} format).\n`);
      const ret = await this.#checkSingle(name, path, last, preamble);
      this.#p(this.#verdict('BASE AOF', name, ret));
    }
    if (am.incr.length) {
      this.#p('Start to check INCR files.\n');
      for (const ai of am.incr) {
        const path = makePath(dirpath, ai.fileName);
        const last = ++n === total;
        const ret = await this.#checkSingle(ai.fileName, path, last, false);
        this.#p(this.#verdict('INCR AOF', ai.fileName, ret));
      }
    }
    this.#p('All AOF files and manifest are valid\n');
  }

  async #fileIsRdb(path: string): Promise<boolean> {
    let fh;
    try {
      fh = await fsp.open(path, 'r');
    } catch (err) {
      this.#p(`Cannot open file ${b(path)}: ${strerror(err)}\n`);
      throw new Exit(1);
    }
    try {
      const st = await fh.stat();
      if (st.size < 8) return false;
      const sig = Buffer.alloc(5);
      await fh.read(sig, 0, 5, 0);
      return sig.toString('latin1') === 'REDIS';
    } finally {
      await fh.close();
    }
  }

  async #checkSingle(name: string, filepath: string, lastFile: boolean, preamble: boolean): Promise<number> {
    const g = this.#g;
    let size: number;
    try {
      await fsp.access(filepath, fsConstants.R_OK | fsConstants.W_OK);
      const st = await fsp.stat(filepath);
      if (st.isDirectory()) throw Object.assign(new Error('dir'), { code: 'EISDIR' });
      size = st.size;
    } catch (err) {
      this.#p(`Cannot open file ${b(filepath)}: ${strerror(err)}, aborting...\n`);
      throw new Exit(1);
    }
    if (size === 0) return AOF_CHECK_EMPTY;

    let start = 0;
    if (preamble) {
      const r = await checkRdbPreamble(filepath, name, (s) => this.#p(s));
      if (!r.ok) {
        this.#p('RDB preamble of AOF file is not sane, aborting.\n');
        throw new Exit(1);
      }
      this.#p('RDB preamble is OK, proceeding with AOF tail...\n');
      start = r.end;
    }

    const scanner = new CheckScanner(g, b(filepath), lastFile, start);
    const stop = await this.#scan(filepath, scanner, start, size);
    if (stop.kind === 'timestamp-fatal') {
      const fp = b(filepath);
      if (stop.reason === 'invalid') this.#p('Invalid timestamp annotation\n');
      else if (stop.reason === 'nothing-before') this.#p(`AOF ${fp} has nothing before timestamp ${g.toTimestamp}, aborting...\n`);
      else {
        this.#p(`Failed to truncate AOF ${fp} to timestamp ${g.toTimestamp} to offset ${stop.offset} because it is not the last file.\n`);
        this.#p('If you insist, please delete all files after this file according to the manifest file and delete the corresponding records in manifest file manually. Then re-run redis-check-aof.\n');
      }
      throw new Exit(1);
    }
    if (stop.kind === 'timestamp') {
      await this.#truncate(filepath, stop.offset);
      return AOF_CHECK_TIMESTAMP_TRUNCATED;
    }
    if (stop.kind === 'format-error') this.#p(`AOF ${b(name)} format error\n`);
    if (g.error.length > 0) this.#p(`${g.error}\n`);
    const pos = scanner.pos;
    const diff = size - pos;
    if (diff === 0 && g.toTimestamp !== 0n) {
      this.#p(`Truncate nothing in AOF ${b(name)} to timestamp ${g.toTimestamp}\n`);
      return AOF_CHECK_OK;
    }
    this.#p(`AOF analyzed: filename=${b(name)}, size=${size}, ok_up_to=${pos}, ok_up_to_line=${g.line}, diff=${diff}\n`);
    if (diff > 0) {
      if (this.#o.fix) {
        if (!lastFile) {
          this.#p(`Failed to truncate AOF ${b(name)} because it is not the last file\n`);
          this.#o.note?.('redkit: `redkit aof repair --truncate --in-place <dir>` can cut a file that is not the last one (later files dropped from the manifest, or kept with --keep-later), or `--salvage` keep everything that parses\n');
          throw new Exit(1);
        }
        this.#p(`This will shrink the AOF ${b(name)} from ${size} bytes, with ${diff} bytes, to ${pos} bytes\n`);
        this.#p('Continue? [y/N]: ');
        let answer: string | null = 'y';
        if (!this.#o.yes) answer = this.#o.ask ? await this.#o.ask() : null;
        if (answer === null || answer.toLowerCase() !== 'y') {
          this.#p('Aborting...\n');
          throw new Exit(1);
        }
        await this.#truncate(filepath, pos);
        return AOF_CHECK_TRUNCATED;
      }
      this.#p(`AOF ${b(name)} is not valid. Use the --fix option to try fixing it.\n`);
      throw new Exit(1);
    }
    return AOF_CHECK_OK;
  }

  async #truncate(filepath: string, length: number): Promise<void> {
    const backup = await truncateWithBackup(filepath, length, this.#o.backup);
    this.fixed.push({ file: filepath, backup, newSize: length });
    this.#o.note?.(`redkit: original kept as ${backup}\n`);
  }

  /**
   * Feeds the file to the scanner through one reused 1 MiB buffer: no per-chunk allocation, so
   * memory stays flat whatever the file size (the scanner never keeps references to chunks).
   */
  async #scan(filepath: string, scanner: CheckScanner, start: number, size: number): Promise<ScanStop> {
    const fh = await fsp.open(filepath, 'r');
    const buf = Buffer.allocUnsafe(1 << 20);
    let pos = start;
    let lastReport = 0;
    try {
      for (;;) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        if (bytesRead === 0) break;
        pos += bytesRead;
        if (!scanner.feed(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead))) break;
        if (this.#o.progress && pos - lastReport >= 16 << 20) {
          lastReport = pos;
          this.#o.progress(basename(filepath), pos, size);
        }
      }
    } finally {
      await fh.close();
    }
    if (this.#o.progress && lastReport > 0) this.#o.progress(basename(filepath), size, size);
    return scanner.end();
  }
}

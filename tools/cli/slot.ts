/**
 * `redkit slot [KEY…]`: one line per key, `SLOT<TAB>KEY`, in input order.
 *
 *   redkit slot user:1 'user:{1}:cart'        # keys as arguments
 *   printf 'a\nb\n' | redkit slot             # keys on stdin, one per line ('' line = empty key)
 *   redkit slot --hex 666f6f 00ff             # hex-encoded (binary) keys
 *   redkit slot --check-same-slot a{x} b{x}   # exit 1 with CROSSSLOT if they differ
 *   redkit slot --cluster redis://127.0.0.1:7000 k1 k2   # adds the owning node: SLOT<TAB>KEY<TAB>HOST:PORT
 */
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { keySlot } from '../slot/index.js';
import { parseHexKey, readKeyLines } from '../slot/keys.js';
import type { ClusterSlotMap } from '../slot/cluster.js';
import { loadClusterSlotMap } from '../slot/cluster-live.js';
import { openInput } from '../io/files.js';

interface SlotOptions {
  hex?: boolean;
  cluster?: string;
  checkSameSlot?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('slot')
    .description('print the Redis Cluster hash slot of each key: SLOT<TAB>KEY (keys as arguments, or on stdin one per line)')
    .argument('[keys...]', 'keys (default: read stdin, one key per line; an empty line is the empty key)')
    .option('--hex', 'keys are hex-encoded bytes (for binary keys)')
    .option('--cluster <url>', 'redis://host:port of a cluster node: add the node owning each slot')
    .option('--check-same-slot', 'exit 1 (CROSSSLOT) unless all keys hash to the same slot')
    .action(async (keys: string[], opts: SlotOptions) => {
      const map: ClusterSlotMap | undefined = opts.cluster ? await loadClusterSlotMap(opts.cluster) : undefined;
      const out = new LineWriter(ctx.stdout);
      const seen = new Set<number>();
      const emit = (key: Buffer, shown: Buffer): void => {
        const slot = keySlot(key);
        seen.add(slot);
        out.write(`${slot}\t`);
        out.write(shown);
        if (map) out.write(`\t${map.nodeFor(slot) ?? '(unassigned)'}`);
        out.write('\n');
      };
      if (keys.length > 0) {
        for (const k of keys) emit(opts.hex ? parseHexKey(k) : Buffer.from(k), Buffer.from(k));
      } else {
        if (process.stdin.isTTY) ctx.stderr.write('redkit: reading keys from stdin, one per line (or give keys as arguments)\n');
        const input = await openInput('-');
        let n = 0;
        for await (const line of readKeyLines(input.source)) {
          n++;
          if (opts.hex) emit(parseHexKey(line.toString('latin1'), `line ${n}`), line);
          else emit(line, line);
          if (out.pending) await out.pending;
        }
      }
      await out.end();
      if (opts.checkSameSlot && seen.size > 1) {
        ctx.stderr.write(`redkit: CROSSSLOT Keys in request don't hash to the same slot (${seen.size} slots: ${[...seen].slice(0, 10).join(', ')}${seen.size > 10 ? ', …' : ''})\n`);
        ctx.exitCode = 1;
      }
    });
}

/** Small buffered writer with back-pressure, for line-per-key output. */
class LineWriter {
  #stream: NodeJS.WritableStream;
  #parts: Buffer[] = [];
  #size = 0;
  #pending: Promise<void> | undefined;

  constructor(stream: NodeJS.WritableStream) {
    this.#stream = stream;
  }

  write(s: string | Buffer): void {
    const b = typeof s === 'string' ? Buffer.from(s) : s;
    this.#parts.push(b);
    this.#size += b.length;
    if (this.#size >= 65536) this.#flush();
  }

  #flush(): void {
    if (this.#size === 0) return;
    const data = Buffer.concat(this.#parts, this.#size);
    this.#parts = [];
    this.#size = 0;
    if (!this.#stream.write(data) && !this.#pending) {
      this.#pending = new Promise((resolve) => this.#stream.once('drain', () => { this.#pending = undefined; resolve(); }));
    }
  }

  /** Resolves when the stream has drained (await it in loops to respect back-pressure). */
  get pending(): Promise<void> | undefined {
    return this.#pending;
  }

  async end(): Promise<void> {
    this.#flush();
    if (this.#pending) await this.#pending;
  }
}


/**
 * AOF writing: commands as RESP multibulk (what the server appends), `#TS:` annotations, and a
 * streaming writer that keeps the SELECT context right when records from different places are
 * concatenated (edits, salvage): a SELECT is emitted before the first command and whenever the
 * db changes, exactly like the server's feedAppendOnlyFile does.
 *
 *   *3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n
 */
import type { OutputSink } from '../io/files.js';
import { encodeCommand } from '../resp/index.js';

export type Arg = string | Uint8Array;

/** `#TS:<unix>\r\n`, the annotation aof-timestamp-enabled writes. */
export function encodeTimestamp(unix: number | bigint): Buffer {
  return Buffer.from(`#TS:${unix}\r\n`);
}

/** Writes commands to a sink, inserting SELECT when the db changes. */
export class AofCommandWriter {
  readonly #out: OutputSink;
  #db = -1;
  bytes = 0;
  commands = 0;

  constructor(out: OutputSink, opts: { initialDb?: number } = {}) {
    this.#out = out;
    this.#db = opts.initialDb ?? -1;
  }

  get db(): number {
    return this.#db;
  }

  /** Writes a command that runs in `db` (a SELECT first if needed). SELECT itself is not passed here. */
  async command(args: readonly Arg[], db: number): Promise<void> {
    if (db !== this.#db) {
      await this.raw(encodeCommand(['SELECT', String(db)]));
      this.#db = db;
    }
    await this.raw(encodeCommand(args));
    this.commands++;
  }

  /** Writes a SELECT if the current db is not `db`. */
  async select(db: number): Promise<void> {
    if (db === this.#db) return;
    await this.raw(encodeCommand(['SELECT', String(db)]));
    this.#db = db;
  }

  /** Writes bytes as they are (a record copied verbatim, an annotation). */
  async raw(bytes: Uint8Array): Promise<void> {
    this.bytes += bytes.length;
    await this.#out.write(bytes);
  }
}

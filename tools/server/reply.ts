/**
 * The reply writer handlers write to: tools/resp's RespWriter (one growing buffer per client,
 * one socket write per batch of replies), plus error accounting for INFO errorstats and
 * per-command failed_calls.
 */
import { RespWriter } from '../resp/index.js';

export class ReplyWriter extends RespWriter {
  /** Number of error replies written (the dispatcher compares before/after a command). */
  errors = 0;
  /** Called with the error code (first word, e.g. 'ERR', 'WRONGTYPE') of each error reply. */
  onError: ((code: string) => void) | null = null;

  override error(msg: string): this {
    this.errors++;
    if (this.onError) {
      const sp = msg.indexOf(' ');
      this.onError(sp < 0 ? msg : msg.slice(0, sp));
    }
    return super.error(msg);
  }

  /** A reply of a string array (KEYS, CONFIG GET …). */
  strings(list: readonly string[]): this {
    this.arrayHeader(list.length);
    for (const s of list) this.bulk(s);
    return this;
  }

  ok(): this { return this.simple('OK'); }
}

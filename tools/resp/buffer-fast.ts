/**
 * Node's Buffer has fast latin1/utf8 slice and write methods that @types/node does not
 * declare (they back toString/write without the encoding switch). The RESP hot paths use
 * them; this declares their types. They exist in every Node version we support (>= 20).
 */
declare global {
  interface Buffer {
    latin1Slice(start?: number, end?: number): string;
    latin1Write(s: string, offset?: number, length?: number): number;
    utf8Write(s: string, offset?: number, length?: number): number;
  }
}
export {};

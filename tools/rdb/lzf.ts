/**
 * LZF decompression (liblzf's format, as Redis stores compressed strings with RDB_ENC_LZF).
 *
 * A control byte `c`: c < 32 means a literal run of c+1 bytes follows; otherwise a back
 * reference of length (c >> 5) + 2 (7 in the top bits means one more length byte follows)
 * at distance ((c & 0x1f) << 8 | next) + 1 behind the output cursor.
 */

/**
 * Decompresses `src[start, end)` into `out[0, expected)`. Returns the number of bytes written,
 * or -1 when the input is malformed (reference before the output start, overrun, short output).
 */
export function lzfDecompressInto(src: Uint8Array, start: number, end: number, out: Uint8Array, expected: number): number {
  let ip = start;
  let op = 0;
  while (ip < end) {
    let ctrl = src[ip++]!;
    if (ctrl < 32) {
      ctrl++;
      if (op + ctrl > expected || ip + ctrl > end) return -1;
      if (ctrl > 16) {
        out.set(src.subarray(ip, ip + ctrl), op);
        op += ctrl;
        ip += ctrl;
      } else {
        while (ctrl-- > 0) out[op++] = src[ip++]!;
      }
    } else {
      let len = ctrl >> 5;
      if (len === 7) {
        if (ip >= end) return -1;
        len += src[ip++]!;
      }
      if (ip >= end) return -1;
      let ref = op - ((ctrl & 0x1f) << 8) - 1 - src[ip++]!;
      len += 2;
      if (ref < 0 || op + len > expected) return -1;
      // Overlapping copies are the point of LZF (runs), so copy byte by byte.
      while (len-- > 0) out[op++] = out[ref++]!;
    }
  }
  return op === expected ? op : -1;
}

/** Convenience wrapper returning a new Buffer, or null when malformed. */
export function lzfDecompress(src: Uint8Array, expected: number): Buffer | null {
  const out = Buffer.allocUnsafe(expected);
  return lzfDecompressInto(src, 0, src.length, out, expected) === expected ? out : null;
}

/**
 * A simple LZF compressor (hash of 3 bytes, greedy matches). Redis never requires
 * compression; it exists for tests (to produce RDB_ENC_LZF strings) and is not tuned.
 */
export function lzfCompress(input: Uint8Array): Buffer {
  const n = input.length;
  const out: number[] = [];
  const table = new Map<number, number>();
  let lit: number[] = [];
  const flush = (): void => {
    while (lit.length > 0) {
      const run = lit.splice(0, 32);
      out.push(run.length - 1, ...run);
    }
    lit = [];
  };
  let i = 0;
  while (i < n) {
    if (i + 2 < n) {
      const h = (input[i]! << 16) | (input[i + 1]! << 8) | input[i + 2]!;
      const cand = table.get(h);
      table.set(h, i);
      if (cand !== undefined && i - cand - 1 < 8192) {
        let len = 0;
        const max = Math.min(264, n - i);
        while (len < max && input[cand + len] === input[i + len]) len++;
        if (len >= 3) {
          flush();
          const off = i - cand - 1;
          const l = len - 2;
          if (l < 7) out.push((l << 5) | (off >> 8), off & 0xff);
          else out.push((7 << 5) | (off >> 8), l - 7, off & 0xff);
          i += len;
          continue;
        }
      }
    }
    lit.push(input[i]!);
    i++;
  }
  flush();
  return Buffer.from(out);
}

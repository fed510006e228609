/**
 * `splitArgs`: Redis's sdssplitargs(), which splits an inline command (and redis-cli input,
 * config file lines, MONITOR-style quoted text) into arguments:
 *
 *   set "a b" 'c d' "\x41\n"   ->  ['set', 'a b', 'c d', 'A\n']
 *
 * Double quotes understand \xHH, \n \r \t \b \a and \<any> (the char itself); single quotes
 * only \' . A closing quote must be followed by a space or the end. Returns null for
 * unbalanced quotes (the caller answers "Protocol error: unbalanced quotes in request").
 * Works on bytes; arguments are latin1 strings (one char per byte).
 */

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

function hexVal(c: number): number {
  if (c <= 0x39) return c - 0x30;
  if (c >= 0x61) return c - 0x61 + 10;
  return c - 0x41 + 10;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0b || c === 0x0c;
}

export function splitArgs(line: Uint8Array, start = 0, end = line.length): string[] | null {
  const out: string[] = [];
  let p = start;
  for (;;) {
    while (p < end && isSpace(line[p]!)) p++;
    // A NUL byte ends the line, as it ends the C string sdssplitargs() walks.
    if (p >= end || line[p] === 0) return out;
    let inq = false; // inside "double quotes"
    let insq = false; // inside 'single quotes'
    let done = false;
    let cur = '';
    while (!done) {
      if (inq) {
        if (p >= end || line[p] === 0) return null;
        const c = line[p]!;
        if (c === 0x5c && p + 3 < end && line[p + 1] === 0x78 && isHex(line[p + 2]!) && isHex(line[p + 3]!)) {
          cur += String.fromCharCode(hexVal(line[p + 2]!) * 16 + hexVal(line[p + 3]!));
          p += 3;
        } else if (c === 0x5c && p + 1 < end && line[p + 1] !== 0) {
          p++;
          const e = line[p]!;
          cur += e === 0x6e ? '\n' : e === 0x72 ? '\r' : e === 0x74 ? '\t' : e === 0x62 ? '\b' : e === 0x61 ? '\x07' : String.fromCharCode(e);
        } else if (c === 0x22) {
          if (p + 1 < end && line[p + 1] !== 0 && !isSpace(line[p + 1]!)) return null;
          done = true;
        } else {
          cur += String.fromCharCode(c);
        }
      } else if (insq) {
        if (p >= end || line[p] === 0) return null;
        const c = line[p]!;
        if (c === 0x5c && p + 1 < end && line[p + 1] === 0x27) {
          p++;
          cur += "'";
        } else if (c === 0x27) {
          if (p + 1 < end && line[p + 1] !== 0 && !isSpace(line[p + 1]!)) return null;
          done = true;
        } else {
          cur += String.fromCharCode(c);
        }
      } else {
        if (p >= end) {
          done = true;
          break;
        }
        const c = line[p]!;
        // Inside a token only these end it (sdssplitargs' switch); \v and \f are kept.
        if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0) done = true;
        else if (c === 0x22) inq = true;
        else if (c === 0x27) insq = true;
        else cur += String.fromCharCode(c);
      }
      if (p < end && line[p] !== 0) p++;
    }
    out.push(cur);
  }
}

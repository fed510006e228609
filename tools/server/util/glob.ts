/**
 * Redis glob-style matching (util.c stringmatchlen): `*`, `?`, `[abc]`, `[^a]`, `[a-z]`, `\x`.
 * Used by KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET and ACL key patterns. Operates on latin1
 * strings (one char per byte), so it is binary safe.
 */

export function globMatch(pattern: string, str: string, nocase = false): boolean {
  return match(pattern, 0, str, 0, nocase, 0, { skip: false });
}

function lower(c: number, nocase: boolean): number {
  return nocase && c >= 65 && c <= 90 ? c + 32 : c;
}

/**
 * `st.skip` is Redis 7's skipLongerMatches: once an inner `*` has scanned to the end of the
 * string without a match, no outer `*` can succeed by consuming more, which keeps patterns like
 * `*a*a*a*…b` linear instead of exponential.
 */
function match(p: string, pi: number, s: string, si: number, nocase: boolean, depth: number, st: { skip: boolean }): boolean {
  // Guard against pathological patterns (Redis limits recursion the same way since 7.0).
  if (depth > 1000) return false;
  const plen = p.length;
  const slen = s.length;
  while (pi < plen && si <= slen) {
    const pc = p.charCodeAt(pi);
    if (pc === 42 /* * */) {
      while (pi + 1 < plen && p.charCodeAt(pi + 1) === 42) pi++;
      if (pi + 1 === plen) return true;
      for (let k = si; k < slen; k++) {
        if (match(p, pi + 1, s, k, nocase, depth + 1, st)) return true;
        if (st.skip) return false;
      }
      st.skip = true;
      return false;
    }
    if (si >= slen) return false;
    const sc = s.charCodeAt(si);
    if (pc === 63 /* ? */) {
      si++; pi++;
      continue;
    }
    if (pc === 91 /* [ */) {
      pi++;
      const not = p.charCodeAt(pi) === 94;
      if (not) pi++;
      let matched = false;
      for (;;) {
        if (pi >= plen) { pi--; break; } // unterminated: treat like Redis (end of pattern)
        const c = p.charCodeAt(pi);
        if (c === 92 /* \ */ && pi + 2 <= plen) {
          pi++;
          if (lower(p.charCodeAt(pi), nocase) === lower(sc, nocase)) matched = true;
        } else if (c === 93 /* ] */) {
          break;
        } else if (pi + 2 < plen && p.charCodeAt(pi + 1) === 45 /* - */) {
          let start = lower(c, nocase);
          let end = lower(p.charCodeAt(pi + 2), nocase);
          if (start > end) { const t = start; start = end; end = t; }
          const cc = lower(sc, nocase);
          pi += 2;
          if (cc >= start && cc <= end) matched = true;
        } else if (lower(c, nocase) === lower(sc, nocase)) {
          matched = true;
        }
        pi++;
      }
      if (not) matched = !matched;
      if (!matched) return false;
      si++; pi++;
      continue;
    }
    if (pc === 92 /* \ */ && pi + 1 < plen) {
      pi++;
      if (lower(p.charCodeAt(pi), nocase) !== lower(sc, nocase)) return false;
      si++; pi++;
      continue;
    }
    if (lower(pc, nocase) !== lower(sc, nocase)) return false;
    si++; pi++;
  }
  while (pi < plen && p.charCodeAt(pi) === 42) pi++;
  return pi === plen && si === slen;
}

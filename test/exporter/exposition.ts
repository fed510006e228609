/** A small parser for the Prometheus text format, for comparing exporter outputs in tests. */
export interface ParsedFamily {
  type: string;
  help: string;
  /** Label names seen on samples (quantile excluded), sorted and joined with ','. */
  labelSets: Set<string>;
}

export interface Parsed {
  families: Map<string, ParsedFamily>;
  /** `name{a="x",b="y"}` with labels sorted -> value. */
  samples: Map<string, number>;
}

const SUFFIXES = ['_sum', '_count', '_bucket'];

export function parseExposition(text: string, skip: RegExp = /^(go|process|nodejs)_/): Parsed {
  const families = new Map<string, ParsedFamily>();
  const samples = new Map<string, number>();
  const fam = (name: string): ParsedFamily => {
    let f = families.get(name);
    if (!f) { f = { type: 'untyped', help: '', labelSets: new Set() }; families.set(name, f); }
    return f;
  };
  for (const line of text.split('\n')) {
    if (!line) continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      if (skip.test(meta[2]!)) continue;
      if (meta[1] === 'TYPE') fam(meta[2]!).type = meta[3]!;
      else fam(meta[2]!).help = meta[3]!;
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`bad exposition line: ${line}`);
    const name = m[1]!;
    if (skip.test(name)) continue;
    const labels = [...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1]!, x[2]!] as const);
    labels.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    let base = name;
    if (!families.has(base)) for (const s of SUFFIXES) if (name.endsWith(s) && families.has(name.slice(0, -s.length))) base = name.slice(0, -s.length);
    fam(base).labelSets.add(labels.map((l) => l[0]).filter((n) => n !== 'quantile').join(','));
    const key = `${name}{${labels.map(([k, v]) => `${k}="${v}"`).join(',')}}`;
    samples.set(key, Number(m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : m[3]));
  }
  return { families, samples };
}

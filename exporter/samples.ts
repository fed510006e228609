/**
 * Metric samples and the Prometheus text exposition format (version 0.0.4).
 *
 *   # HELP redis_db_keys Total number of keys by DB
 *   # TYPE redis_db_keys gauge
 *   redis_db_keys{db="db0"} 2610
 *
 * A `MetricSet` is what one scrape of one target produces: families keyed by their name
 * (without namespace). It applies the lint-clean renames when asked, rejects a second sample
 * with the same label values (the Go client drops such a scrape with an error; we keep the
 * first), and renders families sorted by name and samples sorted by label values, as the Go
 * client does, so outputs diff cleanly against redis_exporter's.
 */
import { DESCRIPTIONS, LINT_CLEAN, type MetricType } from './metrics.js';

export interface Sample {
  labels: readonly string[]; // values, in the order of the family's labelNames
  value: number;
}

export interface SummarySample {
  labels: readonly string[];
  count: number;
  sum: number;
  quantiles: readonly (readonly [number, number])[];
}

export interface Family {
  name: string;
  help: string;
  type: MetricType;
  labelNames: readonly string[];
  samples: Sample[];
  summaries: SummarySample[];
  /** For the duplicate check: joined label values. */
  seen: Set<string>;
}

export interface MetricSetOptions {
  /** Rename the names promtool's linter flags (see LINT_CLEAN). */
  lintCleanNames?: boolean;
}

export class MetricSet {
  readonly families = new Map<string, Family>();
  readonly #lint: boolean;

  constructor(opts: MetricSetOptions = {}) {
    this.#lint = opts.lintCleanNames === true;
  }

  #family(name: string, type: MetricType, labelNames: readonly string[] | undefined): Family | undefined {
    let f = this.families.get(name);
    if (!f) {
      const desc = DESCRIPTIONS[name];
      f = {
        name,
        help: desc?.help ?? `${name} metric`,
        type,
        labelNames: desc?.labels ?? labelNames ?? [],
        samples: [],
        summaries: [],
        seen: new Set(),
      };
      this.families.set(name, f);
    }
    return f;
  }

  add(type: 'gauge' | 'counter', name: string, value: number, labelValues: readonly string[] = [], labelNames?: readonly string[]): void {
    let scale = 1;
    if (this.#lint) {
      const clean = LINT_CLEAN[name];
      if (clean) {
        name = clean.name;
        type = (clean.type as 'gauge' | 'counter' | undefined) ?? type;
        scale = clean.scale ?? 1;
      }
    }
    const f = this.#family(name, type, labelNames);
    if (!f || f.type !== type || f.labelNames.length !== labelValues.length) return;
    const key = labelValues.length === 0 ? '' : labelValues.length === 1 ? labelValues[0]! : labelValues.join('\u0000');
    if (f.seen.has(key)) return;
    f.seen.add(key);
    f.samples.push({ labels: labelValues, value: value * scale });
  }

  gauge(name: string, value: number, ...labelValues: string[]): void {
    this.add('gauge', name, value, labelValues);
  }

  counter(name: string, value: number, ...labelValues: string[]): void {
    this.add('counter', name, value, labelValues);
  }

  summary(name: string, labelValues: readonly string[], count: number, sum: number, quantiles: readonly (readonly [number, number])[]): void {
    const f = this.#family(name, 'summary', undefined);
    if (!f || f.type !== 'summary') return;
    const key = labelValues.join('\u0000');
    if (f.seen.has(key)) return;
    f.seen.add(key);
    f.summaries.push({ labels: labelValues, count, sum, quantiles });
  }
}

/** Go's strconv.FormatFloat(v, 'g', -1, 64) is what redis_exporter prints; any float Prometheus parses is fine. */
export function formatValue(v: number): string {
  if (Number.isFinite(v)) return String(v);
  if (Number.isNaN(v)) return 'NaN';
  return v > 0 ? '+Inf' : '-Inf';
}

const NEEDS_ESCAPE = /[\\\n"]/;

function escapeLabel(v: string): string {
  if (!NEEDS_ESCAPE.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function labelBlock(names: readonly string[], values: readonly string[], extra?: string): string {
  if (names.length === 0) return extra ? `{${extra}}` : '';
  let out = '{';
  for (let i = 0; i < names.length; i++) out += `${i > 0 ? ',' : ''}${names[i]}="${escapeLabel(values[i] ?? '')}"`;
  return extra ? `${out},${extra}}` : `${out}}`;
}

function compareLabels(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** "# HELP …\n# TYPE …\n" per family: the same few hundred strings on every scrape. */
const HEADERS = new Map<string, string>();

/** Renders families (namespace prepended) in the text format, sorted like the Go client. */
export function renderText(families: Iterable<Family>, namespace: string): string {
  const prefix = namespace ? `${namespace}_` : '';
  const sorted = [...families].filter((f) => f.samples.length + f.summaries.length > 0);
  sorted.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const f of sorted) {
    const name = prefix + f.name;
    // The Go client prints label pairs sorted by label name and orders samples by those pairs.
    const order = f.labelNames.map((_, i) => i).sort((a, b) => (f.labelNames[a]! < f.labelNames[b]! ? -1 : 1));
    const names = order.map((i) => f.labelNames[i]!);
    const pick = (vals: readonly string[]): string[] => order.map((i) => vals[i] ?? '');
    const headerKey = `${name}\u0000${f.type}\u0000${f.help}`;
    let header = HEADERS.get(headerKey);
    if (header === undefined) {
      header = `# HELP ${name} ${escapeHelp(f.help)}\n# TYPE ${name} ${f.type}\n`;
      if (HEADERS.size < 10_000) HEADERS.set(headerKey, header);
    }
    out.push(header);
    if (f.type === 'summary') {
      const sums = f.summaries.map((s) => ({ ...s, labels: pick(s.labels) })).sort((a, b) => compareLabels(a.labels, b.labels));
      for (const s of sums) {
        const qs = [...s.quantiles].sort((a, b) => a[0] - b[0]);
        for (const [q, v] of qs) {
          out.push(`${name}${labelBlock(names, s.labels, `quantile="${formatValue(q)}"`)} ${formatValue(v)}\n`);
        }
        const lb = labelBlock(names, s.labels);
        out.push(`${name}_sum${lb} ${formatValue(s.sum)}\n${name}_count${lb} ${formatValue(s.count)}\n`);
      }
    } else if (names.length === 0) {
      for (const s of f.samples) out.push(`${name} ${formatValue(s.value)}\n`);
    } else if (names.length === 1) {
      const samples = f.samples.length > 1 ? [...f.samples].sort((a, b) => (a.labels[0]! < b.labels[0]! ? -1 : a.labels[0]! > b.labels[0]! ? 1 : 0)) : f.samples;
      const open = `${name}{${names[0]}="`;
      for (const s of samples) out.push(`${open}${escapeLabel(s.labels[0] ?? '')}"} ${formatValue(s.value)}\n`);
    } else {
      const samples = f.samples.map((s) => ({ labels: pick(s.labels), value: s.value }));
      if (samples.length > 1) samples.sort((a, b) => compareLabels(a.labels, b.labels));
      for (const s of samples) out.push(`${name}${labelBlock(names, s.labels)} ${formatValue(s.value)}\n`);
    }
  }
  return out.join('');
}

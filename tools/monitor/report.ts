/**
 * Text rendering of the default MONITOR report (the JSON form is the MonitorReport itself).
 * Same section order and `name<pad>\tvalue` layout as redis-faina, with the corrections and
 * extra sections described in analyze.ts. Durations are labelled as upper bounds.
 */
import type { CountRow, MonitorReport } from './analyze.js';

function table(title: string, rows: Array<[string, string]>): string {
  let s = `${title}\n${'='.repeat(40)}\n`;
  if (rows.length === 0) return `${s}n/a\n\n`;
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) s += `${k.padEnd(w)}  \t${v}\n`;
  return `${s}\n`;
}

function countRows(rows: CountRow[]): Array<[string, string]> {
  const w = Math.max(0, ...rows.map((r) => String(r.count).length));
  return rows.map((r) => [r.name, `${String(r.count).padEnd(w)}\t(${r.percent.toFixed(2)}%)`]);
}

const fmtUs = (us: number): string => String(Math.round(us));

function bar(count: number, max: number): string {
  return '#'.repeat(max > 0 ? Math.max(count > 0 ? 1 : 0, Math.round((count / max) * 40)) : 0);
}

export function renderReport(r: MonitorReport): string {
  const out: string[] = [];
  const L = r.lines;
  const overall: Array<[string, string]> = [
    ['Lines Processed', String(L.total)],
    ['Commands', String(L.commands)],
    ['Script Commands (lua)', String(L.scriptCommands)],
    ['Junk Lines', String(L.junk)],
    ['Time Span (s)', (r.spanUs / 1e6).toFixed(6)],
    ['Commands/Sec', r.commandsPerSec === null ? 'n/a' : r.commandsPerSec.toFixed(2)],
    ['Time Attribution', `${r.attribution}; durations are upper bounds`],
  ];
  if (r.approximate) overall.push(['Note', 'more distinct names than tracked: top counts are lower bounds']);
  out.push(table('Overall Stats', overall));
  out.push(table('Top Prefixes (% of key references)', countRows(r.topPrefixes)));
  out.push(table('Top Keys (% of key references)', countRows(r.topKeys)));
  out.push(table('Top Commands', countRows(r.topCommands)));
  out.push(table('Top Script Commands (lua)', countRows(r.topScriptCommands)));
  const t = r.commandTime;
  out.push(table('Command Time (microsecs, upper bounds)', t === null ? [] : [
    ['Median', fmtUs(t.p50)], ['75%', fmtUs(t.p75)], ['90%', fmtUs(t.p90)], ['99%', fmtUs(t.p99)], ['Max', fmtUs(t.max)],
  ]));
  out.push(table('Heaviest Commands (microsecs, upper bounds)', r.heaviestCommands.map((h) => [h.name, `${fmtUs(h.us)}\t(${h.calls} calls)`])));
  out.push(table('Slowest Calls (microsecs, upper bounds)', r.slowestCalls.map((s) => [fmtUs(s.us), `${s.call}  (line ${s.line}, db ${s.db}, ${s.client})`])));
  out.push(table('Databases', r.dbs.map((d) => [`db${d.db}`, `${d.commands} commands\t${fmtUs(d.us)} us`])));
  out.push(table('Clients', r.clients.map((c) => [c.client, `${c.commands} commands\t${fmtUs(c.us)} us`])));
  const kinds = Object.entries(r.clientKinds).filter(([, n]) => n > 0);
  out.push(table('Client Kinds (lines)', kinds.map(([k, n]) => [k, String(n)])));
  const max = Math.max(0, ...r.histogram.map((b) => b.count));
  out.push(table('Command Time Histogram (microsecs)', r.histogram.map((b) => [
    b.lo === 0 ? '0' : `${b.lo}-${b.hi - 1}`, `${String(b.count).padEnd(8)}${bar(b.count, max)}`,
  ])));
  const tl = r.timeline;
  const tmax = Math.max(0, ...tl.counts);
  out.push(table(`Commands over Time (per ${tl.bucketUs / 1000} ms from the first line)`, tl.counts.map((c, i) => [
    `+${((i * tl.bucketUs) / 1e6).toFixed(3)}s`, `${String(c).padEnd(8)}${bar(c, tmax)}`,
  ])));
  if (L.junk > 0) {
    out.push(table('Junk Lines (skipped)', L.junkExamples.map((j) => [`line ${j.line}`, `${j.reason}: ${j.text}`])));
  }
  return out.join('');
}

/** Shared by the monitor tests. */

/**
 * Normal form of a faina report for comparison: padding removed, rows of each section sorted
 * by (value, name), and in a full section (8 rows) the names of the rows that tie with the
 * last row masked: which of several equal rows make the cut is Python dict order in redis-faina
 * (it differs between Python 2 and 3, see the corpus MANIFEST), name order in ours.
 */
export function normaliseTies(report: string): string {
  const sections = report.split('\n\n');
  return sections.map((sec) => {
    const [title, rule, ...rows] = sec.split('\n');
    if (rule === undefined || rows.length === 0 || rows[0] === 'n/a') return sec;
    const slowest = title === 'Slowest Calls';
    const parsed = rows.map((line) => {
      const tab = line.indexOf('\t');
      const key = line.slice(0, tab).replace(/ +$/, '');
      const val = line.slice(tab + 1);
      return slowest ? { name: val, value: key } : { name: key, value: val.replace(/ +\t/, '\t') };
    });
    const last = parsed[parsed.length - 1]!.value;
    const masked = parsed.map((r) => (parsed.length === 8 && r.value === last ? { ...r, name: '*' } : r));
    masked.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return [title, rule, ...masked.map((r) => `${r.name}|${r.value}`)].join('\n');
  }).join('\n\n');
}

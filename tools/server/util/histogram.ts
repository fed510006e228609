/**
 * Per-command latency histogram (LATENCY HISTOGRAM, INFO latencystats). Redis uses an
 * HdrHistogram; we keep power-of-two microsecond buckets (what LATENCY HISTOGRAM prints) plus
 * sub-buckets for percentile estimates.
 */
const SUB = 16;

export class LatencyHistogram {
  /** counts[b * SUB + s]: bucket b covers [2^b, 2^(b+1)) µs, s a linear sub-bucket. */
  #counts = new Float64Array(41 * SUB);
  total = 0;

  record(usec: number): void {
    const v = usec < 1 ? 1 : usec;
    let b = 31 - Math.clz32(Math.min(v, 2 ** 31 - 1));
    if (v >= 2 ** 31) b = Math.min(40, Math.floor(Math.log2(v)));
    const lo = 2 ** b;
    const s = Math.min(SUB - 1, Math.floor(((v - lo) / lo) * SUB));
    this.#counts[b * SUB + s]!++;
    this.total++;
  }

  /** Cumulative counts per power-of-two bucket upper bound (as LATENCY HISTOGRAM reports). */
  buckets(): [number, number][] {
    const out: [number, number][] = [];
    let cum = 0;
    for (let b = 0; b < 41; b++) {
      let n = 0;
      for (let s = 0; s < SUB; s++) n += this.#counts[b * SUB + s]!;
      if (n === 0) continue;
      cum += n;
      out.push([2 ** (b + 1), cum]);
    }
    return out;
  }

  /** Value at percentile p (0..100), in µs. */
  percentile(p: number): number {
    if (this.total === 0) return 0;
    const target = Math.max(1, Math.ceil((p / 100) * this.total));
    let cum = 0;
    for (let b = 0; b < 41; b++) {
      for (let s = 0; s < SUB; s++) {
        cum += this.#counts[b * SUB + s]!;
        if (cum >= target) {
          const lo = 2 ** b;
          return lo + ((s + 1) * lo) / SUB;
        }
      }
    }
    return 0;
  }
}

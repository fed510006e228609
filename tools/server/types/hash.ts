/**
 * Hash value: an insertion-ordered Map. Redis keeps small hashes in a listpack and
 * converts to a hashtable when `hash-max-listpack-entries` (128) is exceeded or any field
 * or value is longer than `hash-max-listpack-value` (64); never back. Only the reported
 * encoding follows those moments.
 */
export interface HashLimits { maxEntries: number; maxValue: number }

export class HashValue {
  readonly type = 'hash' as const;
  readonly map = new Map<string, string>();
  #listpack = true;
  /** Field list for HRANDFIELD, rebuilt lazily after fields are added or removed. */
  #fields: string[] | null = null;

  encoding(): string { return this.#listpack ? 'listpack' : 'hashtable'; }
  get isListpack(): boolean { return this.#listpack; }
  get size(): number { return this.map.size; }

  /** Deep copy (COPY), keeping the encoding. */
  clone(): HashValue {
    const h = new HashValue();
    for (const [k, v] of this.map) h.map.set(k, v);
    h.#listpack = this.#listpack;
    return h;
  }

  /** Estimate from up to 32 sampled fields (like MEMORY USAGE's SAMPLES), O(1). */
  memoryUsage(): number {
    let sampled = 0, k = 0;
    for (const [f, v] of this.map) {
      sampled += f.length + v.length + (this.#listpack ? 4 : 48);
      if (++k === 32) break;
    }
    return 64 + (k ? Math.round(sampled / k * this.map.size) : 0);
  }

  convertToHashtable(): void { this.#listpack = false; }

  /** hashTypeTryConversion: any over-long argument converts before the write. */
  tryConversion(args: string[], from: number, to: number, limits: HashLimits): void {
    if (!this.#listpack) return;
    for (let i = from; i <= to && i < args.length; i++) {
      if (args[i]!.length > limits.maxValue) { this.#listpack = false; return; }
    }
  }

  get(field: string): string | undefined { return this.map.get(field); }

  /** Returns true when the field is new. Converts after insert past maxEntries. */
  set(field: string, value: string, limits: HashLimits): boolean {
    const isNew = !this.map.has(field);
    this.map.set(field, value);
    if (isNew) this.#fields = null;
    if (this.#listpack) {
      if (field.length > limits.maxValue || value.length > limits.maxValue || this.map.size > limits.maxEntries) {
        this.#listpack = false;
      }
    }
    return isNew;
  }

  delete(field: string): boolean {
    if (!this.map.delete(field)) return false;
    this.#fields = null;
    return true;
  }

  /**
   * Fields in iteration order, for random picks (HRANDFIELD). Cached until the next
   * insert/delete, so repeated picks on an unchanged big hash are O(1).
   */
  fieldList(): string[] {
    if (!this.#fields) this.#fields = [...this.map.keys()];
    return this.#fields;
  }
}

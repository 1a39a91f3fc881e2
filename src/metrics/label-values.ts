/**
 * The values one label may take, each with a small index: fixed ones first, then the first
 * `max` others seen, then `overflow` for the rest — so a label's cardinality is bounded
 * whatever clients send.
 */
export class LabelValues {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  private others = 0;
  /** Indices this label can hand out: what a counter reserves for it. */
  readonly capacity: number;

  constructor(
    readonly name: string,
    fixed: readonly string[],
    private readonly maxOthers = 0,
    private readonly overflow = 'other',
  ) {
    for (const value of fixed) this.add(value);
    this.capacity = fixed.length + maxOthers + 1;
  }

  /** The index of `value`; `overflow`'s once the label is full. */
  indexOf(value: string): number {
    const known = this.index.get(value);
    if (known !== undefined) return known;
    if (this.others >= this.maxOthers || !this.admits(value)) return this.overflowIndex();
    this.others++;
    return this.add(value);
  }

  /** Whether a value not seen before may become a label value of its own. Default: any. */
  protected admits(_value: string): boolean {
    return true;
  }

  private overflowIndex(): number {
    return this.index.get(this.overflow) ?? this.add(this.overflow);
  }

  private add(value: string): number {
    this.values.push(value);
    this.index.set(value, this.values.length - 1);
    return this.values.length - 1;
  }
}

type NumericArray = Float64Array | Int32Array;

/**
 * A typed array that doubles its capacity as it fills. The log keeps one of these per column
 * (position, stream, type, location), so a million events cost a few bytes each instead of
 * one JS object each.
 */
export class GrowableArray<T extends NumericArray> {
  private items: T;
  private size = 0;

  constructor(private readonly allocate: (capacity: number) => T, initialCapacity = 1024) {
    this.items = allocate(initialCapacity);
  }

  get length(): number {
    return this.size;
  }

  push(value: number): void {
    if (this.size === this.items.length) {
      const larger = this.allocate(this.items.length * 2);
      larger.set(this.items);
      this.items = larger;
    }
    this.items[this.size++] = value;
  }

  at(index: number): number {
    return this.items[index] as number;
  }

  /** Forgets everything from `length` on (used to roll back writes that failed to persist). */
  truncate(length: number): void {
    this.size = Math.min(this.size, length);
  }
}

export const float64Array = (capacity: number) => new Float64Array(capacity);
export const int32Array = (capacity: number) => new Int32Array(capacity);

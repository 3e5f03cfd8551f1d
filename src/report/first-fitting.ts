/**
 * The first items of a list in its order that fit a budget, gathered as they come in any order:
 * each list the report shows, built as the videos finish, without holding every video. The order
 * is a key of numbers compared left to right (say: rank, video index, position in the video).
 */
import type { FirstItems } from '../types.js'

interface Item<T> {
  key: readonly number[]
  size: number
  value: T
}

export class FirstFitting<T> implements FirstItems<T> {
  readonly kept: Item<T>[] = []
  private size = 0
  /**
   * The key of the first item left out. Every later item in the order is left out too: what the
   * report shows is always the start of the whole list, as when the list is cut all at once.
   */
  private firstOut: readonly number[] | undefined

  /**
   * @param sizeOf what an item costs of the budget
   * @param maxSize the budget: the kept items' sizes add up to at most this
   * @param maxCount items kept at most
   */
  constructor(
    private readonly sizeOf: (value: T) => number,
    private readonly maxSize: number,
    private readonly maxCount = Infinity
  ) {}

  get cut(): boolean {
    return this.firstOut !== undefined
  }

  /** Adds the item at `key` (each key once); `make` is called only if it may be kept. */
  add(key: readonly number[], make: () => T): void {
    if (this.firstOut !== undefined && compareKeys(key, this.firstOut) > 0) return
    const value = make()
    const item = { key, size: this.sizeOf(value), value }
    let low = 0
    let high = this.kept.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (compareKeys((this.kept[middle] as Item<T>).key, key) < 0) low = middle + 1
      else high = middle
    }
    this.kept.splice(low, 0, item)
    this.size += item.size
    while (this.size > this.maxSize || this.kept.length > this.maxCount) {
      const last = this.kept.pop() as Item<T>
      this.size -= last.size
      this.firstOut = last.key
    }
  }
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const difference = (a[i] as number) - (b[i] ?? 0)
    if (difference !== 0) return difference
  }
  return 0
}

/**
 * Problems waiting for their place in the output: a reader reports them while it parses a batch, and they are
 * printed between the records they come between, in offset order.
 *
 * @module
 */
import type { Problem } from '../context.js';

/**
 * A first-in first-out queue of problems whose take is O(1) (`Array#shift` copies the rest of a long array:
 * two million malformed items before the next record made `cat` quadratic).
 */
export class ProblemQueue {
  private items: (Problem | undefined)[] = [];
  private head = 0;

  /** Problems waiting. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** Adds a problem at the end. */
  push(problem: Problem): void {
    this.items.push(problem);
  }

  /**
   * Takes the first problem when its offset is below `limit` (at most `limit` with `inclusive`); a problem
   * without an offset goes at the next chance.
   */
  takeBefore(limit: number, inclusive = false): Problem | undefined {
    const first = this.items[this.head];
    if (first === undefined) return undefined;
    const offset = first.offset ?? 0;
    if (inclusive ? offset > limit : offset >= limit) return undefined;
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 4096 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return first;
  }

  /** Takes every problem. */
  takeAll(): Problem[] {
    const all = this.items.slice(this.head) as Problem[];
    this.items = [];
    this.head = 0;
    return all;
  }
}

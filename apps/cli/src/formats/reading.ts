/**
 * Helpers shared by the adapters' readings: counting what a batch handed out, and the stop of a read at a
 * `--limit`.
 *
 * @module
 */
import type { ReadOutcome, RecordBase } from './types.js';

/** Counts of records by kind, kept per batch so that a stop inside a batch counts exactly what was taken. */
export class RecordCounter<R extends RecordBase> {
  private readonly totals = new Map<string, number>();
  private batch: readonly R[] = [];

  /** Counts a batch as handed out. */
  take(batch: readonly R[]): readonly R[] {
    this.batch = batch;
    for (const r of batch) this.totals.set(r.kind, (this.totals.get(r.kind) ?? 0) + 1);
    return batch;
  }

  /** Uncounts the records of the latest batch after `last` (all of it when `last` is undefined); returns the first of them. */
  giveBack(last: R | undefined): R | undefined {
    const at = last === undefined ? -1 : this.batch.indexOf(last);
    const rest = this.batch.slice(at + 1);
    for (const r of rest) this.totals.set(r.kind, (this.totals.get(r.kind) ?? 0) - 1);
    this.batch = [];
    return rest[0];
  }

  /** Forgets the latest batch (before the next one is read: its records can be collected young). */
  release(): void {
    this.batch = [];
  }

  /** Records of `kind` counted so far. */
  get(kind: string): number {
    return this.totals.get(kind) ?? 0;
  }
}

/** The outcome of a read stopped at a limit. */
export function limitOutcome(
  offset: number,
  size: number | undefined,
  problems: { errors: number; warnings: number },
  counts: Record<string, number>,
): ReadOutcome {
  return {
    state: 'limit',
    offset,
    trailingBytes: size === undefined ? 0 : Math.max(0, size - offset),
    errors: problems.errors,
    warnings: problems.warnings,
    complete: problems.errors === 0,
    counts,
  };
}

/** Error and warning counts of the problems handed to a callback. */
export class ProblemCount {
  errors = 0;
  warnings = 0;

  /** Counts a problem. */
  add(problem: { severity: 'error' | 'warning' }): void {
    if (problem.severity === 'error') this.errors++;
    else this.warnings++;
  }
}

/**
 * `--from` / `--to` parsing: ISO-8601 text or a number. For `.ss` a number is milliseconds since the Unix
 * epoch; for `.moqtrace` it is microseconds relative to the header's `startTime` (the events' own time base).
 *
 * @module
 */
import { XtraceError } from './errors.js';

/** A parsed time bound. */
export type TimeBound = { kind: 'iso'; ms: number; text: string } | { kind: 'number'; value: number; text: string };

/** Parses a `--from`/`--to` value. */
export function parseTimeBound(text: string, option: string): TimeBound {
  const trimmed = text.trim();
  if (/^-?\d+(?:\.\d+)?$/.test(trimmed)) return { kind: 'number', value: Number(trimmed), text };
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    const ms = Date.parse(trimmed);
    if (!Number.isNaN(ms)) return { kind: 'iso', ms, text };
  }
  throw new XtraceError('USAGE', `${option}: expected an ISO-8601 time or a number, got "${text}"`);
}

/** The bound as `.ss` milliseconds since the epoch. */
export function boundToEpochMs(bound: TimeBound): number {
  return bound.kind === 'iso' ? bound.ms : bound.value;
}

/** The bound as `.moqtrace` µs relative to `startTimeMs`. */
export function boundToRelativeUs(bound: TimeBound, startTimeMs: number): number {
  return bound.kind === 'iso' ? (bound.ms - startTimeMs) * 1000 : bound.value;
}

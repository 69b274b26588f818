/**
 * Small wording helpers shared by every human-readable output: counts with correct plurals and the one footer
 * shape of `cat --format table|log` for every format.
 *
 * @module
 */

/**
 * `n` and the noun, singular for exactly one: `count(1, 'events')` is `1 event`, `count(2, 'events')` is
 * `2 events`. The noun is given in the plural; a final `s` (or `es` after `ss`/`sh`/`ch`/`x`) is dropped for one.
 *
 * @example
 * ```ts
 * count(1, 'segments'); // '1 segment'
 * count(0, 'errors');   // '0 errors'
 * ```
 */
export function count(n: number, plural: string): string {
  if (n !== 1) return `${n} ${plural}`;
  return `1 ${singular(plural)}`;
}

/** The singular of a regular English plural (`responses` → `response`, `matches` → `match`). */
export function singular(plural: string): string {
  const words = plural.split(' ');
  const last = words[words.length - 1] as string;
  let one = last;
  if (/(ss|sh|ch|x)es$/.test(last)) one = last.slice(0, -2);
  else if (last.endsWith('s') && !last.endsWith('ss')) one = last.slice(0, -1);
  words[words.length - 1] = one;
  return words.join(' ');
}

/** Counts joined with commas: `20 events, 1 segment`. Entries with `undefined` are left out. */
export function counts(entries: Readonly<Record<string, number | undefined>>): string {
  return Object.entries(entries)
    .filter((e): e is [string, number] => e[1] !== undefined)
    .map(([noun, n]) => count(n, noun))
    .join(', ');
}

/** `1 error, 2 warnings` (parts with zero left out; `no problems` when both are zero). */
export function problemCounts(errors: number, warnings: number): string {
  const parts: string[] = [];
  if (errors > 0) parts.push(count(errors, 'errors'));
  if (warnings > 0) parts.push(count(warnings, 'warnings'));
  return parts.length === 0 ? 'no problems' : parts.join(', ');
}

/** An ISO-8601 time for an epoch-ms number, or `-` when it is not a valid time. */
export function isoTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

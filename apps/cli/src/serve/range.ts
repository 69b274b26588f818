/**
 * HTTP `Range: bytes=…` parsing for one range (RFC 9110 §14). Several ranges are not supported: the whole
 * representation is sent instead, which the RFC allows.
 *
 * @module
 */

/** An inclusive byte range. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Parses a `Range` header against a representation of `size` bytes: a {@link ByteRange}, `'unsatisfiable'`
 * (answer 416) or `undefined` (no range, a malformed one, another unit or several ranges: answer 200 with the
 * whole body).
 *
 * @example
 * ```ts
 * parseRange('bytes=0-99', 1000); // { start: 0, end: 99 }
 * parseRange('bytes=-10', 1000); // { start: 990, end: 999 }
 * parseRange('bytes=1000-', 1000); // 'unsatisfiable'
 * ```
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    // suffix range: the last N bytes
    const length = Number(last);
    if (length === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  return { start, end };
}

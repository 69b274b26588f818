/**
 * JSON value rendering shared by the output formats: u64 values (numbers up to 2^53−1, decimal strings
 * above) and byte strings (hex or base64). The `.ss` records and their payloads are `@x/seastreamer-file/ndjson`.
 *
 * @module
 */
import { toHex } from '@x/binary';

/**
 * A u64 as JSON: a number up to 2^53−1, a decimal string above.
 *
 * @example
 * ```ts
 * u64Json(5n); // 5
 * u64Json(18446744073709551615n); // '18446744073709551615'
 * ```
 */
export function u64Json(value: bigint | number): number | string {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : String(value);
  return value <= 9007199254740991n && value >= -9007199254740991n ? Number(value) : value.toString();
}

/** The JSON text of a u64 (see {@link u64Json}). */
export function u64Text(value: bigint | number): string {
  const json = u64Json(value);
  return typeof json === 'number' ? String(json) : `"${json}"`;
}

/** Base64 of bytes (no line breaks). */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * `JSON.stringify` with u64-safe bigints (numbers up to 2^53−1, decimal strings above) and byte arrays as hex.
 *
 * @example
 * ```ts
 * stringifyJson({ a: 1n, b: new Uint8Array([1, 2]) }); // '{"a":1,"b":"0102"}'
 * ```
 */
export function stringifyJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'bigint') return u64Json(v);
      if (v instanceof Uint8Array) return toHex(v);
      return v;
    },
    indent,
  );
}

/**
 * A JSON array whose elements are made one at a time from a row source (a compact store): {@link writeJson}
 * prints it element by element; anything else that stringifies it (`toJSON`) sees a plain array.
 *
 * @example
 * ```ts
 * const rows = new JsonRows(() => builder.streams());
 * await writeJson(ctx.out, { streams: rows }); // same text as stringifyJson({ streams: [...builder.streams()] })
 * ```
 */
export class JsonRows<T> {
  /** @param rows makes a fresh iterator over the elements on each call */
  constructor(readonly rows: () => Iterable<T>) {}

  /** The elements as an array (for `JSON.stringify`). */
  toJSON(): T[] {
    return [...this.rows()];
  }
}

/** Where {@link writeJson} writes (an `OutputSink`). */
export interface TextSink {
  /** Appends text; returns a promise when the caller should wait (backpressure). */
  write(text: string): Promise<void> | undefined;
}

/**
 * Writes `{@link stringifyJson}(object)` and a newline to `out`, the members of `object` one at a time and the
 * elements of its {@link JsonRows} one row at a time (also a row's own `JsonRows` members, at any depth), so that
 * a report with a huge array never exists as one string. The text is the same as `stringifyJson(object) + '\n'`.
 *
 * @example
 * ```ts
 * await writeJson(ctx.out, { file: 'a.ss', streams: new JsonRows(() => builder.streams()) });
 * ```
 */
export async function writeJson(out: TextSink, object: Record<string, unknown>): Promise<void> {
  await writeMembers(out, '', object);
  const w = out.write('\n');
  if (w) await w;
}

/** Whether `value` is a plain object with a {@link JsonRows} member (written member by member). */
function hasRows(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const key in value) if ((value as Record<string, unknown>)[key] instanceof JsonRows) return true;
  return false;
}

/** Writes `prefix` and the JSON of `value` (`undefined` when there is none, like `JSON.stringify`). */
async function writeValue(out: TextSink, prefix: string, value: unknown): Promise<boolean> {
  let w: Promise<void> | undefined;
  if (value instanceof JsonRows) {
    let next = `${prefix}[`;
    for (const row of (value as JsonRows<unknown>).rows()) {
      if (!(await writeValue(out, next, row))) {
        w = out.write(`${next}null`);
        if (w) await w;
      }
      next = ',';
    }
    w = out.write(next === ',' ? ']' : `${next}]`);
  } else if (hasRows(value)) {
    await writeMembers(out, prefix, value);
    return true;
  } else {
    const json: string | undefined = stringifyJson(value);
    if (json === undefined) return false;
    w = out.write(`${prefix}${json}`);
  }
  if (w) await w;
  return true;
}

/** Writes `prefix` and `object`'s members one at a time. */
async function writeMembers(out: TextSink, prefix: string, object: Record<string, unknown>): Promise<void> {
  let next = `${prefix}{`;
  for (const [key, value] of Object.entries(object)) {
    if (await writeValue(out, `${next}${JSON.stringify(key)}:`, value)) next = ',';
  }
  const w = out.write(next === ',' ? '}' : `${next}}`);
  if (w) await w;
}

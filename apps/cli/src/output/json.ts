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
 * elements of its {@link JsonRows} members one row at a time, so that a report with a huge array never exists
 * as one string. The text is the same as `stringifyJson(object) + '\n'`.
 *
 * @example
 * ```ts
 * await writeJson(ctx.out, { file: 'a.moqtrace', streams: new JsonRows(() => builder.streams()) });
 * ```
 */
export async function writeJson(out: TextSink, object: Record<string, unknown>): Promise<void> {
  let w = out.write('{');
  if (w) await w;
  let first = true;
  for (const [key, value] of Object.entries(object)) {
    if (value instanceof JsonRows) {
      w = out.write(`${first ? '' : ','}${JSON.stringify(key)}:[`);
      if (w) await w;
      let comma = '';
      for (const row of (value as JsonRows<unknown>).rows()) {
        w = out.write(`${comma}${stringifyJson(row) ?? 'null'}`);
        if (w) await w;
        comma = ',';
      }
      w = out.write(']');
    } else {
      const json: string | undefined = stringifyJson(value);
      if (json === undefined) continue;
      w = out.write(`${first ? '' : ','}${JSON.stringify(key)}:${json}`);
    }
    first = false;
    if (w) await w;
  }
  w = out.write('}\n');
  if (w) await w;
}

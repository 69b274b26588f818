// Checks of exported files: JSON-SEQ framing (RFC 7464) and the main schema's structural rules.
import { expect } from 'vitest';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Splits a JSON-SEQ file into its records, asserting RS + exactly one JSON text + LF for every record. */
export function jsonSeqRecords(bytes: Uint8Array): Record<string, unknown>[] {
  const text = decoder.decode(bytes);
  expect(text[0], 'the file starts with RS').toBe('\u001e');
  const pieces = text.split('\u001e').slice(1);
  return pieces.map((piece, index) => {
    expect(piece.endsWith('\n'), `record ${index} ends with LF`).toBe(true);
    const body = piece.slice(0, -1);
    expect(body.includes('\n'), `record ${index} is one line`).toBe(false);
    expect(body.length, `record ${index} is not empty`).toBeGreaterThan(0);
    // JSON.parse accepts exactly one JSON text (with white space around it): no white space, and an object.
    const value = JSON.parse(body);
    expect(body.trim(), `record ${index} has no white space around its text`).toBe(body);
    expect(typeof value === 'object' && value !== null && !Array.isArray(value), `record ${index} is an object`).toBe(
      true,
    );
    return value;
  });
}

const EVENT_NAME = /^[a-z0-9_]+:[a-z0-9_]+$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Asserts the main schema's rules on a header object and its events; returns the namespaces used. */
export function checkStructure(
  file: Record<string, unknown>,
  trace: Record<string, unknown>,
  events: unknown[],
): Set<string> {
  expect(typeof file.file_schema).toBe('string');
  expect(typeof file.serialization_format).toBe('string');
  expect(JSON.stringify(file).indexOf('"serialization_format"')).toBeLessThan(256);
  expect(isPlainObject(trace)).toBe(true);
  const schemas = trace.event_schemas as string[];
  expect(Array.isArray(schemas) && schemas.length > 0).toBe(true);
  const vantage = trace.vantage_point as Record<string, unknown>;
  expect(['client', 'server', 'network', 'unknown']).toContain(vantage.type);
  const common = trace.common_fields as Record<string, unknown>;
  expect(common.time_format).toBe('relative_to_epoch');
  const used = new Set<string>();
  for (const event of events) {
    expect(isPlainObject(event)).toBe(true);
    const record = event as Record<string, unknown>;
    expect(Object.keys(record).slice(0, 3)).toEqual(['time', 'name', 'data']);
    expect(typeof record.time === 'number' && Number.isFinite(record.time)).toBe(true);
    expect(record.name).toMatch(EVENT_NAME);
    expect(isPlainObject(record.data)).toBe(true);
    const namespace = (record.name as string).split(':')[0] as string;
    used.add(namespace);
    const declared = schemas.some((uri) =>
      namespace === 'moqtrace'
        ? uri === 'urn:x-moqtrace:qlog-events:1'
        : uri.startsWith(`urn:ietf:params:qlog:events:${namespace}`),
    );
    expect(declared, `namespace ${namespace} is declared in event_schemas`).toBe(true);
  }
  return used;
}

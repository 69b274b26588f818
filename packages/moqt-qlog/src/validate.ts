/**
 * Argument checks of the writer: a value that is not a `.moqtrace` event or header throws `INVALID_ARGUMENT`
 * before anything is written.
 *
 * @module
 * @internal
 */
import { describeArgument } from '@x/binary';
import type { EventField, KnownEventTypeName, TraceEvent, TraceHeader } from '@x/moqtrace';
import { QlogError } from './errors.js';
import { EVENT_FIELDS, EVENT_TYPE_IDS } from './moqtrace-api.js';

function fail(message: string): never {
  throw new QlogError('INVALID_ARGUMENT', message);
}

function isNumeric(value: unknown): boolean {
  return (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'bigint';
}

function isRef(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const ref = value as { peer?: unknown; requestId?: unknown };
  return typeof ref.peer === 'string' && typeof ref.requestId === 'bigint';
}

function fieldOk(spec: EventField, value: unknown): boolean {
  switch (spec.kind) {
    case 'uint':
    case 'int':
      return isNumeric(value);
    case 'id':
      return typeof value === 'bigint';
    case 'text':
      return typeof value === 'string';
    case 'bytes':
      return value instanceof Uint8Array;
    case 'opaque':
      return true;
    case 'ref':
      return isRef(value);
    case 'refs':
      return Array.isArray(value) && value.every(isRef);
    case 'bytesList':
      return Array.isArray(value) && value.every((item) => item instanceof Uint8Array);
  }
}

/** Throws `INVALID_ARGUMENT` unless `event` is a `.moqtrace` event the exporter can write. */
export function checkEvent(event: TraceEvent): void {
  if (typeof event !== 'object' || event === null) fail(`expected a .moqtrace event, got ${describeArgument(event)}`);
  const record = event as unknown as Record<string, unknown>;
  if (!isNumeric(record.seq)) fail(`event seq must be a number or bigint, got ${describeArgument(record.seq)}`);
  if (!isNumeric(record.timestamp)) {
    fail(`event timestamp must be a number or bigint, got ${describeArgument(record.timestamp)}`);
  }
  if (record.peer !== undefined && typeof record.peer !== 'string') fail('event peer must be a string');
  if (event.type === 'unknown') {
    if (!isNumeric(event.eventType)) fail('unknown event: eventType must be a number or bigint');
    if (typeof event.fields !== 'object' || event.fields === null) fail('unknown event: fields must be an object');
    return;
  }
  const id = EVENT_TYPE_IDS[event.type as KnownEventTypeName];
  if (id === undefined) fail(`unknown event type ${describeArgument(record.type)}`);
  if (event.type === 'peer-connected' || event.type === 'peer-disconnected') {
    if (typeof record.peer !== 'string') fail(`${event.type}: peer is required`);
  }
  for (const spec of EVENT_FIELDS[id] as readonly EventField[]) {
    const value = record[spec.name];
    if (value === undefined) {
      if (spec.required) fail(`${event.type}: ${spec.name} is required`);
      continue;
    }
    if (!fieldOk(spec, value)) fail(`${event.type}: ${spec.name} has the wrong type (${describeArgument(value)})`);
  }
  if (record.extra !== undefined && (typeof record.extra !== 'object' || record.extra === null)) {
    fail(`${event.type}: extra must be an object`);
  }
}

/** Throws `INVALID_ARGUMENT` unless `header` is a `.moqtrace` header. */
export function checkHeader(header: TraceHeader): void {
  if (typeof header !== 'object' || header === null)
    fail(`expected a .moqtrace header, got ${describeArgument(header)}`);
  for (const key of ['protocol', 'perspective', 'detail'] as const) {
    if (typeof header[key] !== 'string') fail(`header ${key} must be a string, got ${describeArgument(header[key])}`);
  }
  if (!Number.isSafeInteger(header.startTime)) {
    fail(`header startTime must be an integer (epoch ms), got ${describeArgument(header.startTime)}`);
  }
}

/**
 * The `.moqtrace` header of a qlog file written by another producer (spec §9.2): clock and start time, protocol
 * from the setup message, perspective, source, session id, the original qlog header under `custom.qlog`.
 *
 * @module
 * @internal
 */
import type { TraceHeader } from '@x/moqtrace';
import { snakeCase } from './messages.js';
import { draftFromVersion, messageAsMap } from './moqtrace-api.js';
import { isObject, type JsonObject, numericIn, parseIsoTime } from './values.js';

/** How string times (moxygen) are scaled: their unit. */
export type StringTimeUnit = 'ns' | 'us' | 'ms';

/** Options of the import core (and of the readers). */
export interface ImportOptions {
  /** The `.moqtrace` protocol to state (default: from the setup message's version, else `"unknown"`). */
  protocol?: string;
  /** Start time (epoch ms) for files with a relative clock (moxygen, moq-rs); `/node` passes the file's mtime. */
  startTime?: number;
  /** File name, for the session id of producers that name files after the connection id. */
  fileName?: string;
  /** Unit of string times (moxygen writes nanoseconds on Linux, microseconds on macOS). Default `ns`. */
  stringTimeUnit?: StringTimeUnit;
  /** Import transport-layer events (`quic:*`, `transport:*`, `http3:*`, ...) as annotations instead of skipping them. */
  keepTransport?: boolean;
}

const TIME_DIVISOR: Record<StringTimeUnit, number> = { ns: 1e6, us: 1e3, ms: 1 };

export function isHeaderRecord(value: JsonObject): boolean {
  return (
    (value.trace !== undefined ||
      value.qlog_format !== undefined ||
      value.file_schema !== undefined ||
      value.qlog_version !== undefined) &&
    typeof value.name !== 'string'
  );
}

export function schemasOf(segment: { file: JsonObject; trace: JsonObject }): string[] | undefined {
  const list = segment.trace.event_schemas ?? segment.file.event_schemas;
  return Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : undefined;
}

/** The draft of a version value: `0xff0000NN`, a list of them (the highest), or moq-rs `DRAFT_NN`. */
function versionDraft(value: unknown): number | undefined {
  if (Array.isArray(value)) {
    let best: number | undefined;
    for (const item of value) {
      const draft = versionDraft(item);
      if (draft !== undefined && (best === undefined || draft > best)) best = draft;
    }
    return best;
  }
  if (typeof value === 'string') {
    const named = /^DRAFT_?(\d{1,3})$/i.exec(value);
    if (named) return Number(named[1]);
    const numeric = numericIn(value);
    return numeric === undefined ? undefined : draftFromVersion(numeric);
  }
  return draftFromVersion(value);
}

/** The draft a setup message announces (`version`, `selected_version`, `supported_versions`). */
function setupDraft(event: JsonObject): number | undefined {
  const data = isObject(event.data) ? event.data : {};
  const message = isObject(data.message) ? data.message : data;
  const map = messageAsMap(message);
  if (!map) return undefined;
  for (const key of Object.keys(map)) {
    const snake = snakeCase(key);
    if (snake === 'selected_version' || snake === 'version' || snake === 'supported_versions') {
      const draft = versionDraft(map[key]);
      if (draft !== undefined) return draft;
    }
  }
  return undefined;
}

/** A qlog event as an object: legacy array events are named by `event_fields` (default `[time, category, event, data]`). */
export function normalizeEvent(eventFields: string[] | undefined, value: unknown): JsonObject | undefined {
  if (isObject(value)) return value;
  if (!Array.isArray(value)) return undefined;
  const fields = eventFields ?? ['time', 'category', 'event', 'data'];
  const out: JsonObject = {};
  fields.forEach((field, index) => {
    out[field] = value[index];
  });
  if (typeof out.name !== 'string' && typeof out.event === 'string') {
    const event = out.event;
    out.name = event.includes(':') ? event : `${String(out.category ?? 'unknown')}:${event}`;
    delete out.event;
    delete out.category;
  }
  if (out.time === undefined && out.relative_time !== undefined) {
    out.time = out.relative_time;
    delete out.relative_time;
  }
  return out;
}

/** Event time in ms as written (before the time format is applied), or undefined. */
export function rawTime(value: unknown, unit: StringTimeUnit | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) {
    return Number(value) / TIME_DIVISOR[unit ?? 'ns'];
  }
  return undefined;
}

/** What the foreign header is built from. */
export interface HeaderInput {
  file: JsonObject;
  trace: JsonObject;
  common: JsonObject;
  eventFields: string[] | undefined;
  /** The events held back (raw JSON values). */
  queue: readonly unknown[];
  /** The file has no header record (moxygen). */
  headerless: boolean;
}

/** The time base a foreign header sets up. */
export interface TimeBase {
  epochMs: number | undefined;
  relative: boolean;
  /** `epochMs − startTime` (0 for relative clocks). */
  offsetMs: number;
}

/** The `.moqtrace` header of a foreign file or trace (spec §9.2) and its time base. */
export function foreignHeader(input: HeaderInput, options: ImportOptions): { header: TraceHeader; time: TimeBase } {
  const { file, trace, common, queue } = input;
  const vantage = isObject(trace.vantage_point)
    ? trace.vantage_point
    : isObject(file.vantage_point)
      ? file.vantage_point
      : {};
  const firstEvent = queue
    .map((value) => normalizeEvent(input.eventFields, value))
    .find((value) => value !== undefined);
  // Clock: an epoch from reference_time, else a time that looks like epoch ms, else relative.
  const reference = common.reference_time;
  let epochMs: number | undefined;
  if (isObject(reference)) epochMs = parseIsoTime(reference.epoch);
  else if (typeof reference === 'number') epochMs = reference;
  const firstRaw = firstEvent ? rawTime(firstEvent.time, options.stringTimeUnit) : undefined;
  const stringTimes = typeof firstEvent?.time === 'string';
  if (epochMs === undefined && !stringTimes && firstRaw !== undefined && firstRaw >= 1e11) epochMs = 0;
  const relative = epochMs === undefined;
  let startTime: number;
  if (!relative) {
    const firstAbs = firstRaw !== undefined ? (epochMs as number) + firstRaw : (epochMs as number);
    startTime = Math.floor(firstAbs);
  } else startTime = options.startTime ?? 0;
  const time: TimeBase = { epochMs, relative, offsetMs: relative ? 0 : (epochMs as number) - startTime };
  // Protocol: the setup message's version (never the moqt-NN schema suffix).
  let protocol = options.protocol;
  if (protocol === undefined) {
    for (const queued of queue) {
      const value = normalizeEvent(input.eventFields, queued);
      if (!value || typeof value.name !== 'string' || !value.name.toLowerCase().startsWith('moqt:control_message')) {
        continue;
      }
      const draft = setupDraft(value);
      if (draft !== undefined) protocol = `moq-transport-${draft}`;
      break;
    }
  }
  const perspectiveSource = vantage.type ?? (firstEvent ? firstEvent.vantagePoint : undefined);
  const perspective =
    perspectiveSource === 'network'
      ? 'observer'
      : perspectiveSource === 'client' || perspectiveSource === 'server'
        ? perspectiveSource
        : 'unknown';
  const header: TraceHeader = {
    protocol: protocol ?? 'unknown',
    perspective,
    detail: 'control',
    startTime,
  };
  const source =
    (typeof vantage.name === 'string' ? vantage.name : undefined) ??
    (typeof file.title === 'string' ? file.title : undefined) ??
    (typeof trace.title === 'string' ? trace.title : undefined) ??
    (input.headerless && (firstEvent?.vantagePoint !== undefined || stringTimes) ? 'moxygen' : undefined);
  if (source !== undefined) header.source = source;
  const session =
    (typeof common.group_id === 'string' ? common.group_id : undefined) ??
    (typeof common.ODCID === 'string' ? common.ODCID : undefined) ??
    sessionFromFileName(options.fileName);
  if (session !== undefined) header.sessionId = session;
  const original: JsonObject = {};
  for (const key of Object.keys(file)) if (key !== 'traces' && key !== 'trace') original[key] = file[key];
  const traceFields: JsonObject = {};
  for (const key of Object.keys(trace)) if (key !== 'events') traceFields[key] = trace[key];
  if (Object.keys(traceFields).length > 0) original.trace = traceFields;
  const custom: JsonObject = {};
  if (Object.keys(original).length > 0) custom.qlog = original;
  if (relative) custom.qlogTimeBase = 'relative';
  if (Object.keys(custom).length > 0) header.custom = custom;
  return { header, time };
}

/** A connection id in a producer's file name (`{dcid_hex}.mlog`, `<cid>_server.mlog`, `<ODCID>.server.qlog`). */
function sessionFromFileName(fileName: string | undefined): string | undefined {
  if (fileName === undefined) return undefined;
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const match = /^([0-9a-fA-F]{8,})(?:[._](?:server|client))?\.(?:s?qlog|mlog|json)$/.exec(base);
  return match ? match[1] : undefined;
}

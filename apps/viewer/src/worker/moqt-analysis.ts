/**
 * ADAPTER (library gap): control-message naming (spec §9.1/9.2) and request pairing (§9.3). @x/moqtrace does
 * not export these yet; when it does, this file should be replaced by calls to the library.
 */
import type { ControlEvent } from '@x/moqtrace';

type Range = [from: number, to: number, name: string];

const IDS: Record<number, Range[]> = {
  2: [
    [7, 15, 'subscribe_update'],
    [16, 19, 'request_update'],
  ],
  3: [[7, 19, 'subscribe']],
  4: [[7, 19, 'subscribe_ok']],
  5: [
    [7, 14, 'subscribe_error'],
    [15, 19, 'request_error'],
  ],
  6: [
    [7, 13, 'announce'],
    [14, 19, 'publish_namespace'],
  ],
  7: [
    [7, 13, 'announce_ok'],
    [14, 14, 'publish_namespace_ok'],
    [15, 19, 'request_ok'],
  ],
  8: [
    [7, 13, 'announce_error'],
    [14, 14, 'publish_namespace_error'],
    [16, 19, 'namespace'],
  ],
  9: [
    [7, 13, 'unannounce'],
    [14, 16, 'publish_namespace_done'],
  ],
  10: [[7, 16, 'unsubscribe']],
  11: [
    [7, 13, 'subscribe_done'],
    [14, 19, 'publish_done'],
  ],
  12: [
    [7, 13, 'announce_cancel'],
    [14, 16, 'publish_namespace_cancel'],
  ],
  13: [
    [7, 12, 'track_status_request'],
    [13, 19, 'track_status'],
  ],
  14: [
    [7, 12, 'track_status'],
    [13, 14, 'track_status_ok'],
    [16, 19, 'namespace_done'],
  ],
  15: [
    [13, 14, 'track_status_error'],
    [17, 18, 'publish_blocked'],
    [19, 19, 'publish_skipped'],
  ],
  16: [[7, 19, 'goaway']],
  17: [
    [7, 12, 'subscribe_announces'],
    [13, 17, 'subscribe_namespace'],
  ],
  18: [
    [7, 12, 'subscribe_announces_ok'],
    [13, 14, 'subscribe_namespace_ok'],
  ],
  19: [
    [7, 12, 'subscribe_announces_error'],
    [13, 14, 'subscribe_namespace_error'],
  ],
  20: [
    [7, 12, 'unsubscribe_announces'],
    [13, 15, 'unsubscribe_namespace'],
  ],
  21: [
    [7, 10, 'max_subscribe_id'],
    [11, 16, 'max_request_id'],
  ],
  22: [[7, 19, 'fetch']],
  23: [[7, 16, 'fetch_cancel']],
  24: [[7, 19, 'fetch_ok']],
  25: [[7, 14, 'fetch_error']],
  26: [
    [8, 10, 'subscribes_blocked'],
    [11, 16, 'requests_blocked'],
  ],
  29: [[12, 19, 'publish']],
  30: [[12, 17, 'publish_ok']],
  31: [[12, 14, 'publish_error']],
  32: [[11, 16, 'client_setup']],
  33: [[11, 16, 'server_setup']],
  64: [[7, 10, 'client_setup']],
  65: [[7, 10, 'server_setup']],
  80: [[18, 19, 'subscribe_namespace']],
  81: [[18, 19, 'subscribe_tracks']],
  12032: [[17, 19, 'setup']],
};

export function draftOf(protocol: string): number | null {
  const m = /^moq-transport-(\d+)$/.exec(protocol);
  return m ? Number(m[1]) : null;
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array)
    ? (value as Record<string, unknown>)
    : null;
}

/** Draft from a SETUP/server_setup selected version 0xff0000NN (used when `protocol` names no draft). */
export function draftFromSetup(message: unknown): number | null {
  const m = asRecord(message);
  const v = m?.selected_version ?? m?.selectedVersion;
  const n = typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : Number.NaN;
  return n >= 0xff000000 && n <= 0xff0000ff ? n - 0xff000000 : null;
}

/** §9.1: `message.type`, else the draft's name for `messageType`, else `0x` + hex. */
export function controlName(message: unknown, messageType: number | bigint, draft: number | null): string {
  const m = asRecord(message);
  if (m && typeof m.type === 'string' && m.type !== '') return m.type;
  const id = Number(messageType);
  if (draft !== null) {
    for (const [from, to, name] of IDS[id] ?? []) if (draft >= from && draft <= to) return name;
  }
  return `0x${id.toString(16)}`;
}

/** Request key (§9.3, drafts up to 16): `request_id`, else `requestId`, else `subscribe_id` before draft 11. */
export function requestKey(message: unknown, draft: number | null): string | null {
  const m = asRecord(message);
  if (!m) return null;
  const v = m.request_id ?? m.requestId ?? (draft !== null && draft < 11 ? m.subscribe_id : undefined);
  return typeof v === 'number' || typeof v === 'bigint' ? String(v) : typeof v === 'string' ? v : null;
}

const REQUESTS = new Set([
  'subscribe',
  'fetch',
  'publish',
  'subscribe_namespace',
  'track_status',
  'track_status_request',
]);
const OK = new Set([
  'subscribe_ok',
  'fetch_ok',
  'publish_ok',
  'request_ok',
  'subscribe_namespace_ok',
  'track_status_ok',
]);
const ERR = new Set([
  'subscribe_error',
  'fetch_error',
  'publish_error',
  'request_error',
  'subscribe_namespace_error',
  'track_status_error',
]);
const DONE = new Set(['publish_done', 'subscribe_done', 'unsubscribe', 'fetch_cancel']);

export interface PairedTrack {
  key: string;
  kind: string;
  namespace: string;
  name: string;
  alias: string;
  status: 'pending' | 'active' | 'error' | 'done';
  reason: string;
  requestIndex: number;
  responseIndex: number;
  requestTimeUs: number;
  responseTimeUs: number;
  paired: boolean;
  fetchRequestId: string;
}

export interface ControlRecord {
  index: number;
  timeUs: number;
  name: string;
  event: ControlEvent;
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (Array.isArray(value)) return value.map(textOf).join('/');
  if (value === undefined || value === null) return '';
  return String(value);
}

/** §9.3 pairing over the control events of a trace. */
export function pairRequests(controls: ControlRecord[], draft: number | null): PairedTrack[] {
  const tracks: PairedTrack[] = [];
  const open = new Map<string, PairedTrack>();
  const byStream = draft !== null && draft >= 17;
  for (const c of controls) {
    const e = c.event;
    const m = asRecord(e.message);
    const dir = Number(e.direction);
    let key: string | null;
    if (byStream) key = e.streamId === undefined ? null : `sid:${e.streamId}`;
    else key = requestKey(e.message, draft);
    if (REQUESTS.has(c.name)) {
      const track: PairedTrack = {
        key: key ?? `#${c.index}`,
        kind: c.name,
        namespace: textOf(m?.track_namespace ?? m?.namespace ?? m?.trackNamespace),
        name: textOf(m?.track_name ?? m?.trackName),
        alias: m?.track_alias !== undefined ? textOf(m.track_alias) : '',
        status: 'pending',
        reason: key === null ? 'unpaired: no request id / stream id' : '',
        requestIndex: c.index,
        responseIndex: -1,
        requestTimeUs: c.timeUs,
        responseTimeUs: Number.NaN,
        paired: key !== null,
        fetchRequestId: key !== null && !byStream ? key : '',
      };
      tracks.push(track);
      if (key !== null) open.set(`${dir}|${key}`, track);
      continue;
    }
    if (key === null) continue;
    const track = open.get(`${1 - dir}|${key}`) ?? open.get(`${dir}|${key}`);
    if (!track) continue;
    if (OK.has(c.name) && track.responseIndex < 0) {
      track.status = 'active';
      track.responseIndex = c.index;
      track.responseTimeUs = c.timeUs;
      if (m?.track_alias !== undefined) track.alias = textOf(m.track_alias);
    } else if (ERR.has(c.name) && track.responseIndex < 0) {
      track.status = 'error';
      track.responseIndex = c.index;
      track.responseTimeUs = c.timeUs;
      track.reason = textOf(m?.reason_phrase ?? m?.reason ?? m?.error_code);
    } else if (DONE.has(c.name)) {
      if (track.status !== 'error') track.status = 'done';
    } else if (byStream && track.responseIndex < 0 && open.get(`${1 - dir}|${key}`) === track) {
      track.responseIndex = c.index;
      track.responseTimeUs = c.timeUs;
    }
  }
  return tracks;
}

/**
 * Control-message naming comes from @x/moqtrace (`controlMessageName`, `draftFromProtocol`, `draftFromVersion`).
 * ADAPTER (library gap): request pairing (§9.3) is done here over the control events the worker keeps, because
 * the library's `buildTrackTable` takes the whole event array, which the streaming worker does not hold for
 * million-event files.
 */
import { type ControlEvent, controlMessageName, draftFromProtocol, draftFromVersion } from '@x/moqtrace';

const asMessageRecord = (value: unknown) => asRecord(value);

/** Draft from `protocol` (library). */
export function draftOf(protocol: string): number | null {
  return draftFromProtocol(protocol) ?? null;
}

/** Draft from a SETUP/server_setup selected version 0xff0000NN (library). */
export function draftFromSetup(message: unknown): number | null {
  const m = asMessageRecord(message);
  return draftFromVersion(m?.selected_version ?? m?.selectedVersion) ?? null;
}

/** §9.1 naming, from the library. */
export function controlName(message: unknown, messageType: number | bigint, draft: number | null): string {
  return controlMessageName({ message, messageType }, draft ?? undefined);
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array)
    ? (value as Record<string, unknown>)
    : null;
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

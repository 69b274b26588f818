/**
 * One-line summaries of events, packet-analyser style (`SUBSCRIBE request_id=1 live/video`), and the display
 * names of the format's enumerations (stream types, object statuses, directions, MoQT versions). The CLI's table
 * and log outputs and the viewer's event table print these, so both say the same thing.
 *
 * Summaries contain text from the file as is: a terminal printer escapes control characters itself.
 *
 * @module
 */
import { messageAsMap } from '../events.js';
import type { TraceEvent } from '../schemas/events.js';
import { controlMessageName, draftFromVersion } from './naming.js';

/** What a summary needs to know beyond the event. */
export interface SummaryContext {
  /** MoQT draft of the trace, to name control messages by their type id (spec §9.1). */
  draft?: number;
}

/** The summary of one event. */
export interface EventSummary {
  /**
   * A short label: the control message name in upper case (`SUBSCRIBE`, or `0x2f00` when unnamed), the new state,
   * the error kind, the annotation label, the peer, the derivation kind, `e=N` for unknown types; empty for stream
   * and object events (their type says it all).
   */
  name: string;
  /** The rest of the line: the fields that identify and characterise the event. */
  text: string;
}

const MAX_VALUE = 120;

/**
 * Display text of a decoded value: text as is, numbers and booleans as written, bytes as UTF-8 (invalid sequences
 * replaced), arrays (namespace tuples) joined with `/`, other values as short JSON.
 *
 * @example
 * ```ts
 * valueText([new TextEncoder().encode('live'), 'room']); // 'live/room'
 * ```
 */
export function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (Array.isArray(value)) return value.map(valueText).join('/');
  if (value === undefined || value === null) return '';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return shortJson(value);
}

function shortJson(value: unknown, max = MAX_VALUE): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, (_key, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? `<${v.length} bytes>` : v,
    );
  } catch {
    text = String(value);
  }
  if (text === undefined) return String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * A MoQT version number as hex with its draft: `0xff00000e (draft-14)`; versions outside the draft range as hex
 * only.
 *
 * @example
 * ```ts
 * formatMoqtVersion(4278190094); // '0xff00000e (draft-14)'
 * formatMoqtVersion(1);          // '0x00000001'
 * ```
 */
export function formatMoqtVersion(version: number | bigint): string {
  const hex = `0x${BigInt(version).toString(16).padStart(8, '0')}`;
  const draft = draftFromVersion(version);
  return draft === undefined ? hex : `${hex} (draft-${String(draft).padStart(2, '0')})`;
}

/**
 * Name of an event-1 `streamType`: `subgroup`, `datagram`, `fetch`, else `type N`.
 *
 * @example
 * ```ts
 * streamTypeName(2); // 'fetch'
 * ```
 */
export function streamTypeName(streamType: number | bigint): string {
  return ['subgroup', 'datagram', 'fetch'][Number(streamType)] ?? `type ${streamType}`;
}

/**
 * Name of an event-3 `objectStatus` in the format's own enumeration (spec §4.2): `normal`, `end of group`,
 * `end of track`, `does not exist`, else `status N`.
 *
 * @example
 * ```ts
 * objectStatusName(1); // 'end of group'
 * ```
 */
export function objectStatusName(objectStatus: number | bigint): string {
  return ['normal', 'end of group', 'end of track', 'does not exist'][Number(objectStatus)] ?? `status ${objectStatus}`;
}

/**
 * The word for an event's `direction`: `sent`/`received` for control messages, `outgoing`/`incoming` for
 * streams, `direction N` for values outside 0–1; `undefined` for events without a direction.
 *
 * @example
 * ```ts
 * directionName({ type: 'control', direction: 1, ... }); // 'received'
 * ```
 */
export function directionName(event: TraceEvent): string | undefined {
  if (event.type !== 'control' && event.type !== 'stream-opened') return undefined;
  const d = Number(event.direction);
  const words = event.type === 'control' ? ['sent', 'received'] : ['outgoing', 'incoming'];
  return words[d] ?? `direction ${event.direction}`;
}

const ID_KEYS = ['request_id', 'requestId', 'subscribe_id', 'track_alias'] as const;
const TAIL_KEYS = ['error_code', 'status_code', 'reason_phrase', 'reason'] as const;

function versionList(value: unknown): string | undefined {
  if (typeof value === 'number' || typeof value === 'bigint') return formatMoqtVersion(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'number' || typeof v === 'bigint')) {
    return (value as (number | bigint)[]).map(formatMoqtVersion).join(',');
  }
  return undefined;
}

function controlText(message: unknown): string {
  const m = messageAsMap(message);
  if (m === undefined) return message === undefined ? '' : shortJson(message);
  const parts: string[] = [];
  for (const key of ID_KEYS) if (m[key] !== undefined) parts.push(`${key}=${valueText(m[key])}`);
  const namespace = m.track_namespace ?? m.namespace ?? m.track_namespace_prefix;
  const name = m.track_name;
  if (namespace !== undefined || name !== undefined) {
    parts.push(
      [namespace, name]
        .filter((v) => v !== undefined)
        .map(valueText)
        .join('/'),
    );
  }
  const supported = versionList(m.supported_versions);
  if (supported !== undefined) parts.push(`versions=${supported}`);
  const selected = versionList(m.selected_version);
  if (selected !== undefined) parts.push(`version=${selected}`);
  for (const key of TAIL_KEYS) if (m[key] !== undefined) parts.push(`${key}=${valueText(m[key])}`);
  if (parts.length > 0) return parts.join(' ');
  const rest: Record<string, unknown> = { ...m };
  delete rest.type;
  return Object.keys(rest).length === 0 ? '' : shortJson(rest);
}

/**
 * The summary of one event: a short {@link EventSummary.name} and the identifying fields as one line of text.
 *
 * @example
 * ```ts
 * const draft = draftFromProtocol(header.protocol);
 * const { name, text } = summarizeEvent(event, { draft });
 * console.log(`${name} ${text}`); // SUBSCRIBE request_id=1 live/video
 * ```
 */
export function summarizeEvent(event: TraceEvent, context: SummaryContext = {}): EventSummary {
  switch (event.type) {
    case 'control': {
      const name = controlMessageName(event, context.draft);
      return { name: name.startsWith('0x') ? name : name.toUpperCase(), text: controlText(event.message) };
    }
    case 'stream-opened': {
      const type = streamTypeName(event.streamType);
      const words = [`stream ${event.streamId}`];
      // `subgroup N` names the type already: no `subgroup subgroup N`
      if (event.subgroupId !== undefined) words.push(type === 'subgroup' ? '' : type, `subgroup ${event.subgroupId}`);
      else words.push(type);
      if (event.groupId !== undefined) words.push(`group ${event.groupId}`);
      if (event.trackAlias !== undefined) words.push(`alias ${event.trackAlias}`);
      if (event.fetchRequestId !== undefined) words.push(`fetch request ${event.fetchRequestId}`);
      words.push(directionName(event) as string);
      return { name: '', text: words.filter((w) => w !== '').join(' ') };
    }
    case 'stream-closed':
      return {
        name: '',
        text: `stream ${event.streamId} ${Number(event.errorCode) === 0 ? 'closed cleanly' : `closed with error ${event.errorCode}`}`,
      };
    case 'object-header': {
      const status = Number(event.objectStatus) === 0 ? '' : ` · ${objectStatusName(event.objectStatus)}`;
      return {
        name: '',
        text: `stream ${event.streamId} group ${event.groupId} object ${event.objectId} priority ${event.publisherPriority}${status}`,
      };
    }
    case 'object-payload':
      return {
        name: '',
        text: `stream ${event.streamId} group ${event.groupId} object ${event.objectId} · ${event.size} byte${Number(event.size) === 1 ? '' : 's'}`,
      };
    case 'state-change':
      return { name: event.to, text: `${event.from} → ${event.to}` };
    case 'error': {
      const where = event.streamId === undefined ? '' : ` on stream ${event.streamId}`;
      return { name: event.errorKind ?? 'error', text: `code ${event.errorCode}${where}: ${event.reason}` };
    }
    case 'annotation':
      return { name: event.label, text: event.data === undefined ? '' : shortJson(event.data) };
    case 'peer-connected': {
      const details = [event.endpoint && `from ${event.endpoint}`, event.role, event.side].filter(Boolean).join(' ');
      return { name: event.peer, text: `connected${details ? ` ${details}` : ''}` };
    }
    case 'peer-disconnected':
      return {
        name: event.peer,
        text: `disconnected (code ${event.errorCode})${event.reason ? ` ${event.reason}` : ''}`,
      };
    case 'subscription-derivation': {
      const down = event.downstream.map((d) => `${d.peer}#${d.requestId}`).join(', ');
      const track = event.trackName === undefined ? '' : ` ${valueText([...(event.namespace ?? []), event.trackName])}`;
      return { name: event.kind, text: `${event.upstream.peer}#${event.upstream.requestId} ← ${down}${track}` };
    }
    case 'unknown':
      return { name: `e=${event.eventType}`, text: shortJson(event.fields) };
  }
}

/**
 * The summary as one line: the control message name or the event type, then the text.
 *
 * @example
 * ```ts
 * eventSummaryLine(event, { draft: 14 }); // 'SUBSCRIBE request_id=1 live/video'
 * eventSummaryLine(objectHeader);          // 'object-header stream 4 group 0 object 1 priority 128'
 * ```
 */
export function eventSummaryLine(event: TraceEvent, context: SummaryContext = {}): string {
  const { name, text } = summarizeEvent(event, context);
  const head = event.type === 'control' ? name : name === '' ? event.type : `${event.type} ${name}`;
  return text === '' ? head : `${head} ${text}`;
}

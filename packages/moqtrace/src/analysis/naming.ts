/**
 * Control message naming (spec §9.1, §9.2): `msg.type` first, else the draft's id table, else `0x…`.
 *
 * @module
 */

import { messageAsMap } from '../events.js';
import type { ControlEvent, TraceEvent } from '../schemas/events.js';
import type { TraceHeader } from '../schemas/header.js';

/** One row of the id table: the name of `id` in drafts `from`–`to` (inclusive). */
export interface MessageTypeRange {
  /** Wire message type id. */
  id: number;
  /** snake_case name. */
  name: string;
  /** First draft using this name for the id. */
  from: number;
  /** Last draft using this name for the id. */
  to: number;
}

const ROWS: [number, string, number, number][] = [
  [0x02, 'subscribe_update', 7, 15],
  [0x02, 'request_update', 16, 19],
  [0x03, 'subscribe', 7, 19],
  [0x04, 'subscribe_ok', 7, 19],
  [0x05, 'subscribe_error', 7, 14],
  [0x05, 'request_error', 15, 19],
  [0x06, 'announce', 7, 13],
  [0x06, 'publish_namespace', 14, 19],
  [0x07, 'announce_ok', 7, 13],
  [0x07, 'publish_namespace_ok', 14, 14],
  [0x07, 'request_ok', 15, 19],
  [0x08, 'announce_error', 7, 13],
  [0x08, 'publish_namespace_error', 14, 14],
  [0x08, 'namespace', 16, 19],
  [0x09, 'unannounce', 7, 13],
  [0x09, 'publish_namespace_done', 14, 16],
  [0x0a, 'unsubscribe', 7, 16],
  [0x0b, 'subscribe_done', 7, 13],
  [0x0b, 'publish_done', 14, 19],
  [0x0c, 'announce_cancel', 7, 13],
  [0x0c, 'publish_namespace_cancel', 14, 16],
  [0x0d, 'track_status_request', 7, 12],
  [0x0d, 'track_status', 13, 19],
  [0x0e, 'track_status', 7, 12],
  [0x0e, 'track_status_ok', 13, 14],
  [0x0e, 'namespace_done', 16, 19],
  [0x0f, 'track_status_error', 13, 14],
  [0x0f, 'publish_blocked', 17, 18],
  [0x0f, 'publish_skipped', 19, 19],
  [0x10, 'goaway', 7, 19],
  [0x11, 'subscribe_announces', 7, 12],
  [0x11, 'subscribe_namespace', 13, 17],
  [0x12, 'subscribe_announces_ok', 7, 12],
  [0x12, 'subscribe_namespace_ok', 13, 14],
  [0x13, 'subscribe_announces_error', 7, 12],
  [0x13, 'subscribe_namespace_error', 13, 14],
  [0x14, 'unsubscribe_announces', 7, 12],
  [0x14, 'unsubscribe_namespace', 13, 15],
  [0x15, 'max_subscribe_id', 7, 10],
  [0x15, 'max_request_id', 11, 16],
  [0x16, 'fetch', 7, 19],
  [0x17, 'fetch_cancel', 7, 16],
  [0x18, 'fetch_ok', 7, 19],
  [0x19, 'fetch_error', 7, 14],
  [0x1a, 'subscribes_blocked', 8, 10],
  [0x1a, 'requests_blocked', 11, 16],
  [0x1d, 'publish', 12, 19],
  [0x1e, 'publish_ok', 12, 17],
  [0x1f, 'publish_error', 12, 14],
  [0x20, 'client_setup', 11, 16],
  [0x21, 'server_setup', 11, 16],
  [0x40, 'client_setup', 7, 10],
  [0x41, 'server_setup', 7, 10],
  [0x50, 'subscribe_namespace', 18, 19],
  [0x51, 'subscribe_tracks', 18, 19],
  [0x2f00, 'setup', 17, 19],
];

/** The message type id table of drafts 07–19 (spec §9.2). */
export const MESSAGE_TYPES: readonly MessageTypeRange[] = ROWS.map(([id, name, from, to]) => ({ id, name, from, to }));

/** Drafts covered by {@link MESSAGE_TYPES}. */
export const KNOWN_DRAFTS = { first: 7, last: 19 } as const;

/**
 * Name of message type `id` in `draft`, or `undefined` when the draft does not define it.
 *
 * @example
 * ```ts
 * messageTypeName(0x05, 14); // 'subscribe_error'
 * messageTypeName(0x05, 15); // 'request_error'
 * ```
 */
export function messageTypeName(id: number | bigint, draft: number): string | undefined {
  const n = Number(id);
  for (const row of MESSAGE_TYPES) if (row.id === n && draft >= row.from && draft <= row.to) return row.name;
  return undefined;
}

/** Message type id of `name` in `draft` (the recorder's name → id table), or `undefined`. */
export function messageTypeId(name: string, draft: number): number | undefined {
  for (const row of MESSAGE_TYPES) if (row.name === name && draft >= row.from && draft <= row.to) return row.id;
  return undefined;
}

/** Draft number of a `moq-transport-NN` protocol string, else `undefined` (RFCs and other text). */
export function draftFromProtocol(protocol: string | undefined): number | undefined {
  const match = /^moq-transport-(\d{1,3})$/.exec(protocol ?? '');
  return match ? Number(match[1]) : undefined;
}

/** Draft number of a wire version `0xff0000NN`, else `undefined`. */
export function draftFromVersion(version: unknown): number | undefined {
  if (typeof version !== 'number' && typeof version !== 'bigint') return undefined;
  const v = BigInt(version);
  if (v >> 8n !== 0xff0000n) return undefined;
  return Number(v & 0xffn);
}

/**
 * The wire version `0xff0000NN` of draft `NN` (the inverse of {@link draftFromVersion}), else `undefined` for
 * values that are not a draft number (0–255).
 *
 * @example
 * ```ts
 * formatMoqtVersion(versionFromDraft(14)!); // '0xff00000e (draft-14)'
 * ```
 */
export function versionFromDraft(draft: number): number | undefined {
  if (!(Number.isInteger(draft) && draft >= 0 && draft <= 0xff)) return undefined;
  return 0xff000000 + draft;
}

/**
 * The draft a trace speaks: from `protocol`, else from a SETUP/`server_setup` message's `selected_version`.
 */
export function detectDraft(
  header: Pick<TraceHeader, 'protocol'> | undefined,
  events: readonly TraceEvent[],
): number | undefined {
  const fromProtocol = draftFromProtocol(header?.protocol);
  if (fromProtocol !== undefined) return fromProtocol;
  for (const event of events) {
    if (event.type !== 'control') continue;
    const message = messageAsMap(event.message);
    const draft = draftFromVersion(message?.selected_version);
    if (draft !== undefined) return draft;
  }
  return undefined;
}

/**
 * Name of a control message (spec §9.1): a non-empty text `message.type`; else the draft's table entry for
 * `messageType`; else `0x` + lowercase hex of `messageType`.
 *
 * @example
 * ```ts
 * controlMessageName(event, 14); // 'subscribe_ok'
 * ```
 */
export function controlMessageName(event: Pick<ControlEvent, 'message' | 'messageType'>, draft?: number): string {
  const message = messageAsMap(event.message);
  const type = message?.type;
  if (typeof type === 'string' && type.length > 0) return type;
  if (draft !== undefined) {
    const name = messageTypeName(event.messageType, draft);
    if (name !== undefined) return name;
  }
  return `0x${BigInt(event.messageType).toString(16)}`;
}

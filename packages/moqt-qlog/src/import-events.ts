/**
 * qlog events → `.moqtrace` events (spec §9.3–9.4), one qlog event at a time, for every producer's shape.
 *
 * The mapper keeps one small state per data stream (`import-streams.ts`).
 *
 * Files written by this package's exporter (`ours`) are read exactly: the `moqtrace_*` keys restore what the
 * standard events cannot hold, and nothing is synthesized. In other files unmapped keys go to the event's `extra`.
 *
 * @module
 * @internal
 */
import type { Numeric, StreamOpenedEvent, TraceEvent } from '@x/moqtrace';
import { annotationData } from './import-check.js';
import { statelessPrivateEvent } from './import-private.js';
import { flushOpen, StreamStates } from './import-streams.js';
import { leftover, mergeExtra, OBJECT_KEYS, objectPayload, objectStatus, pick } from './import-values.js';
import { normalizeMessage } from './messages.js';
import { fromTaggedJson, messageAsMap, messageTypeId } from './moqtrace-api.js';
import { classifyName, isPrivateKey, suffixOf } from './names.js';
import { idIn, type JsonObject, numericIn, readRawInfo } from './values.js';

/** Detail levels in order (index = rank). */
export const DETAIL_RANK = ['control', 'headers', 'headers+sizes', 'headers+data', 'full'] as const;

/** The envelope of one qlog event, resolved by the caller. */
export interface EventBase {
  /** Sequence number of the first event produced. */
  seq: Numeric;
  /** µs since the segment start. */
  timestamp: Numeric;
  /** Peer (`group_id` of an exported relay-tap trace). */
  peer?: string;
  /** Event-level keys that belong to no field (foreign files). */
  envelopeExtra?: JsonObject;
  /** `moqtrace_extra` of an exported event, decoded. */
  oursExtra?: JsonObject;
}

/** Maps qlog events of one file to `.moqtrace` events. */
export class EventMapper {
  private readonly ours: boolean;
  private readonly draft: number | undefined;
  private readonly keepTransport: boolean;
  private readonly latin1: () => boolean;
  private readonly streams = new StreamStates();
  /** Rank of the detail level the events so far need. */
  detail = 0;
  /** Transport-layer events skipped. */
  skipped = 0;
  /** A MoQT event (`moqt:*`, `moqtrace:*`) was seen. */
  sawMoqt = false;

  constructor(options: {
    ours: boolean;
    draft: number | undefined;
    keepTransport: boolean;
    latin1: () => boolean;
  }) {
    this.ours = options.ours;
    this.draft = options.draft;
    this.keepTransport = options.keepTransport;
    this.latin1 = options.latin1;
  }

  private need(level: number): void {
    if (level > this.detail) this.detail = level;
  }

  /** Emits every `stream-opened` still waiting for its direction (incoming, the importer's default). */
  finish(out: TraceEvent[]): void {
    this.streams.finish(out);
  }

  /** Maps one event. `name` is lowercase; `event` the whole qlog event object; `data` its data object. */
  map(name: string, event: JsonObject, data: JsonObject, base: EventBase, out: TraceEvent[]): void {
    const kind = classifyName(name);
    if (kind !== 'transport' && (name.startsWith('moqt:') || name.startsWith('moqtrace:'))) this.sawMoqt = true;
    const before = out.length;
    let mapped: boolean;
    switch (kind) {
      case 'control':
        mapped = this.control(name, data, base, out);
        break;
      case 'stream-type':
        mapped = this.streamType(data, base, out);
        break;
      case 'subgroup-header':
      case 'fetch-header':
        mapped = this.streamHeader(name, kind, data, base, out);
        break;
      case 'subgroup-object':
      case 'fetch-object':
      case 'datagram':
        mapped = this.object(name, kind, data, base, out);
        break;
      case 'error-level':
        mapped = this.errorLevel(name, data, base, out);
        break;
      case 'private':
        mapped = this.privateEvent(name, data, base, out);
        break;
      case 'transport':
        if (!this.keepTransport) {
          this.skipped++;
          return;
        }
        mapped = false;
        break;
      default:
        mapped = false;
    }
    if (!mapped) {
      out.length = before;
      this.annotation(name, event, data, base, out);
    }
  }

  /** Sets the envelope of a new event: its seq, timestamp, peer and extra (exported events: `moqtrace_extra`). */
  private stamp<T extends TraceEvent>(base: EventBase, kindExtra: JsonObject | undefined, event: T): T {
    event.seq = base.seq;
    event.timestamp = base.timestamp;
    if (base.peer !== undefined) event.peer = base.peer;
    const extra = this.ours ? base.oursExtra : mergeExtra(kindExtra, base.envelopeExtra);
    if (extra !== undefined && event.type !== 'unknown' && Object.keys(extra).length > 0) event.extra = extra;
    return event;
  }

  /** The envelope fields alone (private events build their event from it). */
  private envelope(base: EventBase): { seq: Numeric; timestamp: Numeric; peer?: string; extra?: JsonObject } {
    const out: { seq: Numeric; timestamp: Numeric; peer?: string; extra?: JsonObject } = {
      seq: base.seq,
      timestamp: base.timestamp,
    };
    if (base.peer !== undefined) out.peer = base.peer;
    const extra = this.ours ? base.oursExtra : base.envelopeExtra;
    if (extra !== undefined && Object.keys(extra).length > 0) out.extra = extra;
    return out;
  }

  /** The unmapped keys of a foreign event (exported events carry theirs in `moqtrace_extra`). */
  private extraOf(data: JsonObject, used: ReadonlySet<string>): JsonObject | undefined {
    return this.ours ? undefined : leftover(data, used);
  }

  private control(name: string, data: JsonObject, base: EventBase, out: TraceEvent[]): boolean {
    const suffix = suffixOf(name);
    let direction: Numeric = suffix === 'created' ? 0 : 1;
    if (this.ours && data.moqtrace_direction !== undefined) direction = numericIn(data.moqtrace_direction) ?? direction;
    let message: unknown;
    const used = new Set(['stream_id', 'streamId', 'length', 'message', 'raw', 'message_type_id', 'event_type']);
    if (data.message !== undefined) message = normalizeMessage(data.message);
    else if (typeof data.message_type === 'string') {
      const flat: JsonObject = { type: data.message_type };
      for (const key of Object.keys(data)) {
        if (key === 'stream_id' || key === 'event_type' || key === 'message_type' || isPrivateKey(key)) continue;
        flat[key] = data[key];
        used.add(key);
      }
      used.add('message_type');
      message = normalizeMessage(flat);
    } else message = {};
    if (this.ours && data.moqtrace_message !== undefined) message = fromTaggedJson(data.moqtrace_message);
    const type = messageAsMap(message)?.type;
    let messageType: Numeric | undefined = numericIn(data.message_type_id);
    if (messageType === undefined && typeof type === 'string') {
      // The trace's draft first; without one (or for names it lacks) drafts 16, 19 and 14, else 0 (no id).
      for (const draft of [this.draft, 16, 19, 14]) {
        if (draft === undefined) continue;
        messageType = messageTypeId(type, draft);
        if (messageType !== undefined) break;
      }
    }
    const raw = readRawInfo(data.raw);
    const extraKeys = new Set(used);
    // `length` says the same as complete raw bytes; otherwise (imquic cuts `raw` to 40 bytes) it is kept.
    if (data.length !== undefined && (raw?.bytes === undefined || numericIn(data.length) !== raw.bytes.length)) {
      extraKeys.delete('length');
    }
    const event: TraceEvent = this.stamp(base, this.extraOf(data, extraKeys), {
      seq: 0,
      timestamp: 0,
      type: 'control',
      direction,
      messageType: messageType ?? 0,
      message,
    });
    // moxygen writes `streamId` "0" for every control message: not a stream id (spec §9.4).
    const hardCoded = data.streamId !== undefined && data.stream_id === undefined;
    const streamId = idIn(data.stream_id);
    if (streamId !== undefined && !hardCoded && !(this.ours && data.moqtrace_no_stream_id === true)) {
      event.streamId = streamId;
    }
    if (raw?.bytes !== undefined) {
      event.raw = raw.bytes;
      this.need(4);
    }
    out.push(event);
    return true;
  }

  private streamType(data: JsonObject, base: EventBase, out: TraceEvent[]): boolean {
    const rawType = pick(data, 'stream_type', 'streamType');
    let streamType: number | undefined;
    if (rawType === 'subgroup_header' || rawType === '1') streamType = 0;
    else if (rawType === 'fetch_header' || rawType === '2') streamType = 2;
    const streamId = idIn(pick(data, 'stream_id', 'streamId'));
    if (streamType === undefined || streamId === undefined) return false;
    const owner = data.owner;
    let direction: number | undefined;
    if (owner === 'local' || owner === '0' || owner === 0) direction = 0;
    else if (owner === 'remote' || owner === '1' || owner === 1) direction = 1;
    else if (owner !== undefined) return false;
    const used = new Set(['stream_id', 'streamId', 'stream_type', 'streamType', 'owner', 'event_type']);
    const opened = this.openedEvent(streamId, direction ?? 1, streamType, data, used, base);
    const state = this.streams.reset(base.peer, streamId);
    state.opened = true;
    if (direction === undefined) state.pendingOpen = opened;
    else out.push(opened);
    return true;
  }

  private openedEvent(
    streamId: bigint,
    direction: Numeric,
    streamType: Numeric,
    data: JsonObject,
    used: Set<string>,
    base: EventBase,
  ): StreamOpenedEvent {
    const ids: Partial<StreamOpenedEvent> = {};
    const idKeys = [
      ['track_alias', 'trackAlias'],
      ['subgroup_id', 'subgroupId'],
      ['fetch_request_id', 'fetchRequestId'],
      ['group_id', 'groupId'],
    ] as const;
    for (const [key, field] of idKeys) {
      const value = idIn(data[key]);
      if (value !== undefined) {
        ids[field] = value;
        used.add(key);
      }
    }
    const event: StreamOpenedEvent = this.stamp(base, this.extraOf(data, used), {
      seq: 0,
      timestamp: 0,
      type: 'stream-opened',
      streamId,
      direction,
      streamType,
      ...ids,
    });
    this.need(1);
    return event;
  }

  private streamHeader(
    name: string,
    kind: 'subgroup-header' | 'fetch-header',
    data: JsonObject,
    base: EventBase,
    out: TraceEvent[],
  ): boolean {
    const streamId = idIn(pick(data, 'stream_id', 'streamId'));
    if (streamId === undefined) return false;
    const state = this.streams.get(base.peer, streamId, true);
    const created = suffixOf(name) === 'created';
    flushOpen(state, created ? 0 : 1, out);
    const groupId = idIn(pick(data, 'group_id', 'groupId'));
    const priority = numericIn(pick(data, 'publisher_priority', 'publisherPriority'));
    state.groupId = groupId;
    state.priority = priority;
    state.previousObject = undefined;
    this.need(1);
    if (this.ours && data.moqtrace_synthesized === true) {
      state.opened = true;
      return true;
    }
    const used = new Set(['stream_id', 'streamId', 'group_id', 'groupId', 'publisher_priority', 'publisherPriority']);
    if (!state.opened) {
      state.opened = true;
      const opened = this.openedEvent(streamId, created ? 0 : 1, kind === 'subgroup-header' ? 0 : 2, data, used, base);
      if (kind === 'fetch-header') {
        const requestId = idIn(data.request_id);
        if (requestId !== undefined) {
          opened.fetchRequestId = requestId;
          if (opened.extra) delete opened.extra.request_id;
          if (opened.extra && Object.keys(opened.extra).length === 0) delete opened.extra;
        }
      }
      if (kind === 'subgroup-header' && opened.groupId !== undefined) {
        // A subgroup header's group is the group of its objects, not event 1's datagram `g`.
        delete opened.groupId;
      }
      out.push(opened);
    } else {
      state.headerExtra = leftover(data, used);
    }
    return true;
  }

  private object(
    name: string,
    kind: 'subgroup-object' | 'fetch-object' | 'datagram',
    data: JsonObject,
    base: EventBase,
    out: TraceEvent[],
  ): boolean {
    const created = suffixOf(name) === 'created';
    const trackAlias = idIn(pick(data, 'track_alias', 'trackAlias'));
    let streamId = idIn(pick(data, 'stream_id', 'streamId'));
    const used: Set<string> | undefined = this.ours ? undefined : new Set<string>();
    let extraFromAlias: JsonObject | undefined;
    if (streamId === undefined && kind === 'datagram' && trackAlias !== undefined) {
      // Datagrams have no QUIC stream: the track alias is their stream key (decision 2).
      streamId = trackAlias;
      extraFromAlias = { track_alias: data.track_alias ?? data.trackAlias };
    }
    if (streamId === undefined) return false;
    let state = this.streams.get(base.peer, streamId, false);
    flushOpen(state, created ? 0 : 1, out);
    if (kind === 'datagram' && !this.ours && state?.opened !== true) {
      state = this.streams.get(base.peer, streamId, true);
      state.opened = true;
      const opened: StreamOpenedEvent = this.stamp(base, extraFromAlias, {
        seq: 0,
        timestamp: 0,
        type: 'stream-opened',
        streamId,
        direction: created ? 0 : 1,
        streamType: 1,
      });
      if (trackAlias !== undefined) opened.trackAlias = trackAlias;
      out.push(opened);
      extraFromAlias = undefined;
    }
    if (kind === 'datagram') used?.add('track_alias').add('trackAlias');
    const groupId = idIn(pick(data, 'group_id', 'groupId')) ?? state?.groupId;
    let objectId = idIn(pick(data, 'object_id', 'objectId'));
    if (objectId === undefined) {
      const delta = idIn(data.object_id_delta);
      if (delta !== undefined)
        objectId = state?.previousObject === undefined ? delta : state.previousObject + delta + 1n;
    }
    if (groupId === undefined || objectId === undefined) return false;
    if (state !== undefined) state.previousObject = objectId;
    const priority = numericIn(pick(data, 'publisher_priority', 'publisherPriority')) ?? state?.priority ?? 0;
    const status = objectStatus(data, this.ours);
    const noHeader = this.ours && data.moqtrace_no_header === true;
    const { size, bytes } = objectPayload(data, kind, this.ours, this.latin1());
    if (kind === 'fetch-object') {
      for (const flag of ['datagram', 'end_of_nonexistent_range', 'end_of_unknown_range']) {
        if (data[flag] === false) used?.add(flag);
      }
    }
    if (kind === 'datagram' && data.end_of_group === (status === 1)) used?.add('end_of_group');
    let extra = used === undefined ? undefined : mergeExtra(leftover(data, used, OBJECT_KEYS), extraFromAlias);
    if (state?.headerExtra !== undefined) {
      extra = mergeExtra(extra, { subgroup_header: state.headerExtra });
      state.headerExtra = undefined;
    }
    this.need(1);
    if (!noHeader) {
      const header: TraceEvent = this.stamp(base, extra, {
        seq: 0,
        timestamp: 0,
        type: 'object-header',
        streamId,
        groupId,
        objectId,
        publisherPriority: priority,
        objectStatus: status,
      });
      out.push(header);
    }
    if (size !== undefined || bytes !== undefined) {
      this.need(bytes !== undefined ? 3 : 2);
      let payloadBase: EventBase = base;
      if (!noHeader) {
        if (this.ours) {
          const payloadExtra = data.moqtrace_payload_extra;
          payloadBase = {
            ...base,
            seq: numericIn(data.moqtrace_payload_seq) ?? (typeof base.seq === 'number' ? base.seq + 1 : base.seq),
            timestamp: numericIn(data.moqtrace_payload_timestamp, true) ?? base.timestamp,
            oursExtra: payloadExtra === undefined ? undefined : (fromTaggedJson(payloadExtra) as JsonObject),
          };
        } else payloadBase = { ...base, envelopeExtra: undefined };
      }
      const payloadEvent: TraceEvent = this.stamp(payloadBase, noHeader ? extra : undefined, {
        seq: 0,
        timestamp: 0,
        type: 'object-payload',
        streamId,
        groupId,
        objectId,
        size: size ?? (bytes as Uint8Array).length,
      });
      if (bytes !== undefined) payloadEvent.payload = bytes;
      out.push(payloadEvent);
    }
    return true;
  }

  private errorLevel(name: string, data: JsonObject, base: EventBase, out: TraceEvent[]): boolean {
    const level = name.slice('loglevel:'.length);
    const used = new Set(['code', 'message', 'event_type']);
    const errorCode = numericIn(data.code) ?? 0;
    if (typeof data.message !== 'string') used.delete('message');
    const event: TraceEvent = this.stamp(
      base,
      mergeExtra(level === 'error' ? undefined : { level }, this.extraOf(data, used)),
      {
        seq: 0,
        timestamp: 0,
        type: 'error',
        errorCode,
        reason: typeof data.message === 'string' ? data.message : '',
      },
    );
    if (this.ours) {
      const streamId = idIn(data.stream_id);
      if (streamId !== undefined) event.streamId = streamId;
      if (typeof data.error_kind === 'string') event.errorKind = data.error_kind;
      const rawLength = numericIn(data.raw_length);
      if (rawLength !== undefined) event.rawLength = rawLength;
      const raw = readRawInfo(data.raw);
      if (raw?.bytes !== undefined) event.raw = raw.bytes;
    }
    out.push(event);
    return true;
  }

  private annotation(name: string, event: JsonObject, data: JsonObject, base: EventBase, out: TraceEvent[]): void {
    const groupId = event.group_id;
    const foreignExtra = groupId === undefined ? undefined : { group_id: groupId };
    const annotation: TraceEvent = this.stamp({ ...base, envelopeExtra: undefined }, foreignExtra, {
      seq: 0,
      timestamp: 0,
      type: 'annotation',
      label: `qlog:${name}`,
      data: annotationData(event.data === undefined ? undefined : data, event),
    });
    out.push(annotation);
  }

  private privateEvent(name: string, data: JsonObject, base: EventBase, out: TraceEvent[]): boolean {
    const type = name.slice('moqtrace:'.length);
    const env = this.envelope(base);
    let event: TraceEvent | undefined;
    switch (type) {
      case 'stream_opened': {
        const streamId = idIn(data.stream_id);
        const direction = numericIn(data.direction);
        const streamType = numericIn(data.stream_type);
        if (streamId === undefined || direction === undefined || streamType === undefined) return false;
        const used = new Set(['stream_id', 'direction', 'stream_type']);
        const opened = this.openedEvent(streamId, direction, streamType, data, used, base);
        if (!this.ours) delete opened.extra;
        const state = this.streams.reset(base.peer, streamId);
        state.opened = true;
        event = opened;
        break;
      }
      case 'stream_closed': {
        const streamId = idIn(data.stream_id);
        const errorCode = numericIn(data.error_code);
        if (streamId === undefined || errorCode === undefined) return false;
        this.streams.delete(base.peer, streamId);
        event = { ...env, type: 'stream-closed', streamId, errorCode };
        break;
      }
      default:
        event = statelessPrivateEvent(type, data, env);
        if (event === undefined) return false;
        break;
    }
    out.push(event);
    return true;
  }
}

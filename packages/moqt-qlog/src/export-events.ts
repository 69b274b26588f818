/**
 * `.moqtrace` events → qlog events (spec §8.2–8.4), one event at a time.
 *
 * The encoder is stateful and bounded: it holds **at most one** object-header event (until the next event shows
 * whether it is the matching payload, which is then merged into the same qlog object event) and one small state
 * per open data stream (its type and direction from the `stream-opened` event, whether the synthesized
 * `subgroup_header`/`fetch_header` was written, the previous object id for `object_id_delta`). A stream's state
 * is dropped at its `stream-closed`; at most {@link MAX_STREAM_STATES} states are kept (the oldest is forgotten
 * first, after which that stream's objects are written as on a stream of unknown type).
 *
 * Everything the standard events cannot hold is written under `moqtrace_*` keys (event level) or extension keys
 * (in `data`), so that importing the output gives back the same events: see `docs/formats/qlog.md`.
 *
 * @module
 * @internal
 */
import type {
  AnnotationEvent,
  ControlEvent,
  ErrorEvent,
  Numeric,
  ObjectHeaderEvent,
  ObjectPayloadEvent,
  StreamOpenedEvent,
  TraceEvent,
  TraceHeader,
} from '@x/moqtrace';
import type { MoqtDraftShape } from './constants.js';
import { annotationAsQlogEvent, importMessageForCheck } from './import-check.js';
import { messageToQlog } from './messages.js';
import { draftFromProtocol, messageAsMap, messageTypeName, renderEventJson, toTaggedJson } from './moqtrace-api.js';
import {
  byteStringOfBytes,
  hexOut,
  idOut,
  type JsonObject,
  microsOf,
  numericOut,
  qlogTime,
  rawInfo,
} from './values.js';

/** Streams whose state the encoder (and the importer) keep at most. */
export const MAX_STREAM_STATES = 65_536;

/** A qlog event object as written: `time`, `name`, `data`, then custom event-level keys. */
export interface QlogEventObject {
  time: number;
  name: string;
  data: JsonObject;
  [key: string]: unknown;
}

type StreamKind = 'subgroup' | 'fetch' | 'datagram';

interface StreamState {
  kind: StreamKind | undefined;
  created: boolean;
  headerWritten: boolean;
  previousObject: bigint | undefined;
  trackAlias: bigint | undefined;
  fetchRequestId: bigint | undefined;
}

/** Options of the encoder. */
export interface EventEncoderOptions {
  /** Shape of the MoQT events (draft revision). */
  draft: MoqtDraftShape;
  /** Replace `moqtrace:*` events by `loglevel:info` messages (lossy). */
  generic: boolean;
}

/** MoQT wire object status of a `.moqtrace` status (decision 1), `undefined` outside 0–3. */
const STATUS_TO_WIRE = [0, 3, 4, 1];

function streamKey(peer: string | undefined, streamId: bigint): string {
  return peer === undefined ? streamId.toString() : `${peer}\u0000${streamId}`;
}

/**
 * Turns `.moqtrace` events into qlog event objects. Call {@link EventEncoder.startSegment} with each segment's
 * header (the first one too), {@link EventEncoder.encode} for every event, {@link EventEncoder.finish} at the end.
 */
export class EventEncoder {
  private readonly options: EventEncoderOptions;
  private baseStartTime = 0;
  private segmentIndex = -1;
  private segmentOffsetMs = 0;
  private draftNumber: number | undefined;
  private held: ObjectHeaderEvent | undefined;
  private readonly streams = new Map<string, StreamState>();
  /** True once an event of the private namespace was produced. */
  usedPrivateNamespace = false;

  constructor(options: EventEncoderOptions) {
    this.options = options;
  }

  /** Starts a segment; returns the `moqtrace:segment` event for every segment after the first. */
  startSegment(header: TraceHeader): QlogEventObject[] {
    const out = this.finish();
    this.segmentIndex++;
    if (this.segmentIndex === 0) this.baseStartTime = header.startTime;
    this.segmentOffsetMs = header.startTime - this.baseStartTime;
    this.draftNumber = draftFromProtocol(header.protocol);
    if (this.segmentIndex > 0) {
      out.push(this.privateEvent('segment', this.segmentOffsetMs, { header: toTaggedJson(header) }));
    }
    return out;
  }

  /** The qlog events to write for `event` (none while an object header is held back for its payload). */
  encode(event: TraceEvent): QlogEventObject[] {
    const out: QlogEventObject[] = [];
    const held = this.held;
    if (held !== undefined) {
      this.held = undefined;
      if (event.type === 'object-payload' && mergeable(held, event)) {
        this.objectEvents(held, event, out);
        return out;
      }
      this.objectEvents(held, undefined, out);
    }
    if (event.type === 'object-header') this.held = event;
    else this.single(event, out);
    return out;
  }

  /** Writes out a held object header (call at the end and before a new segment). */
  finish(): QlogEventObject[] {
    const out: QlogEventObject[] = [];
    if (this.held !== undefined) {
      this.objectEvents(this.held, undefined, out);
      this.held = undefined;
    }
    return out;
  }

  private single(event: TraceEvent, out: QlogEventObject[]): void {
    switch (event.type) {
      case 'control':
        out.push(this.control(event));
        return;
      case 'stream-opened':
        out.push(this.streamOpened(event));
        return;
      case 'stream-closed':
        this.streams.delete(streamKey(event.peer, event.streamId));
        out.push(
          this.common(event, 'moqtrace:stream_closed', {
            stream_id: idOut(event.streamId),
            error_code: numericOut(event.errorCode),
          }),
        );
        return;
      case 'object-payload':
        this.objectEvents(undefined, event, out);
        return;
      case 'state-change':
        out.push(this.common(event, 'moqtrace:state_change', { from: event.from, to: event.to }));
        return;
      case 'error':
        out.push(this.error(event));
        return;
      case 'annotation':
        out.push(this.annotation(event));
        return;
      case 'peer-connected': {
        const data: JsonObject = {};
        if (event.endpoint !== undefined) data.endpoint = event.endpoint;
        if (event.transport !== undefined) data.transport = event.transport;
        if (event.role !== undefined) data.role = event.role;
        if (event.side !== undefined) data.side = event.side;
        out.push(this.common(event, 'moqtrace:peer_connected', data));
        return;
      }
      case 'peer-disconnected': {
        const data: JsonObject = { error_code: numericOut(event.errorCode) };
        if (event.reason !== undefined) data.reason = event.reason;
        out.push(this.common(event, 'moqtrace:peer_disconnected', data));
        return;
      }
      case 'subscription-derivation': {
        const ref = (r: { peer: string; requestId: bigint }) => ({ peer: r.peer, request_id: idOut(r.requestId) });
        const data: JsonObject = {
          upstream: ref(event.upstream),
          downstream: event.downstream.map(ref),
          kind: event.kind,
        };
        if (event.traceId !== undefined) data.trace_id = hexOut(event.traceId);
        if (event.namespace !== undefined) data.namespace = event.namespace.map(byteStringOfBytes);
        if (event.trackName !== undefined) data.track_name = byteStringOfBytes(event.trackName);
        const times = [
          ['t_downstream_received', event.tDownstreamReceived],
          ['t_upstream_sent', event.tUpstreamSent],
          ['t_upstream_ok_received', event.tUpstreamOkReceived],
          ['t_downstream_ok_sent', event.tDownstreamOkSent],
        ] as const;
        for (const [key, value] of times) if (value !== undefined) data[key] = hopTime(value);
        out.push(this.common(event, 'moqtrace:subscription_derivation', data));
        return;
      }
      case 'unknown':
        out.push(
          this.common(event, 'moqtrace:unknown', {
            event_type: numericOut(event.eventType),
            fields: toTaggedJson(event.fields),
          }),
        );
        return;
    }
  }

  /** The envelope: time, name, data, then `group_id` (peer) and the `moqtrace_*` keys. */
  private common(event: TraceEvent, name: string, data: JsonObject): QlogEventObject {
    let time: number;
    let exact = false;
    const timestamp = event.timestamp;
    if (typeof timestamp === 'number') {
      time = qlogTime(this.segmentOffsetMs, timestamp);
      exact = Number.isSafeInteger(timestamp) && microsOf(-this.segmentOffsetMs, time) === timestamp;
    } else {
      time = qlogTime(this.segmentOffsetMs, Number(timestamp));
    }
    let out: QlogEventObject = { time, name, data };
    if (name.startsWith('moqtrace:')) {
      if (this.options.generic) {
        out = { time, name: 'loglevel:info', data: { message: `${name}: ${JSON.stringify(data)}` } };
      } else this.usedPrivateNamespace = true;
    }
    if (event.peer !== undefined) out.group_id = event.peer;
    out.moqtrace_seq = numericOut(event.seq);
    if (!exact) out.moqtrace_timestamp = numericOut(timestamp);
    if (event.type !== 'unknown' && event.extra !== undefined && Object.keys(event.extra).length > 0) {
      out.moqtrace_extra = toTaggedJson(event.extra);
    }
    return out;
  }

  private privateEvent(type: string, time: number, data: JsonObject): QlogEventObject {
    if (this.options.generic) {
      return { time, name: 'loglevel:info', data: { message: `moqtrace:${type}: ${JSON.stringify(data)}` } };
    }
    this.usedPrivateNamespace = true;
    return { time, name: `moqtrace:${type}`, data };
  }

  private control(event: ControlEvent): QlogEventObject {
    const direction = event.direction;
    const suffix = direction === 1 ? 'parsed' : direction === 0 ? 'created' : 'parsed';
    const map = messageAsMap(event.message);
    let name: string | undefined = typeof map?.type === 'string' && map.type.length > 0 ? map.type : undefined;
    if (name === undefined && this.draftNumber !== undefined)
      name = messageTypeName(event.messageType, this.draftNumber);
    const message = messageToQlog(event.message, name ?? 'unknown', this.options.draft);
    const data: JsonObject = { stream_id: event.streamId === undefined ? 0 : idOut(event.streamId) };
    if (event.raw !== undefined) data.length = event.raw.length;
    data.message = message;
    if (event.raw !== undefined) data.raw = rawInfo(event.raw);
    data.message_type_id = numericOut(event.messageType);
    // The draft-shaped message is what qlog readers see; keep the original when it does not convert back.
    if (messageRendering(importMessageForCheck(message)) !== messageRendering(event.message)) {
      data.moqtrace_message = toTaggedJson(event.message);
    }
    if (event.streamId === undefined) data.moqtrace_no_stream_id = true;
    if (direction !== 0 && direction !== 1) data.moqtrace_direction = numericOut(direction);
    return this.common(event, `moqt:control_message_${suffix}`, data);
  }

  private streamOpened(event: StreamOpenedEvent): QlogEventObject {
    const key = streamKey(event.peer, event.streamId);
    const st = event.streamType;
    const kind: StreamKind | undefined = st === 0 ? 'subgroup' : st === 1 ? 'datagram' : st === 2 ? 'fetch' : undefined;
    const direction = event.direction;
    this.streams.delete(key);
    if (this.streams.size >= MAX_STREAM_STATES) {
      const oldest = this.streams.keys().next().value as string;
      this.streams.delete(oldest);
    }
    this.streams.set(key, {
      kind,
      created: direction === 0,
      headerWritten: false,
      previousObject: undefined,
      trackAlias: event.trackAlias,
      fetchRequestId: event.fetchRequestId,
    });
    const ids: JsonObject = {};
    if (event.trackAlias !== undefined) ids.track_alias = idOut(event.trackAlias);
    if (event.subgroupId !== undefined) ids.subgroup_id = idOut(event.subgroupId);
    if (event.fetchRequestId !== undefined) ids.fetch_request_id = idOut(event.fetchRequestId);
    if (event.groupId !== undefined) ids.group_id = idOut(event.groupId);
    if ((st === 0 || st === 2) && (direction === 0 || direction === 1)) {
      return this.common(event, 'moqt:stream_type_set', {
        owner: direction === 0 ? 'local' : 'remote',
        stream_id: idOut(event.streamId),
        stream_type: st === 0 ? 'subgroup_header' : 'fetch_header',
        ...ids,
      });
    }
    return this.common(event, 'moqtrace:stream_opened', {
      stream_id: idOut(event.streamId),
      direction: numericOut(direction),
      stream_type: numericOut(st),
      ...ids,
    });
  }

  /** Object events of a header and/or payload (at least one is given). */
  private objectEvents(
    header: ObjectHeaderEvent | undefined,
    payload: ObjectPayloadEvent | undefined,
    out: QlogEventObject[],
  ): void {
    const first = (header ?? payload) as ObjectHeaderEvent | ObjectPayloadEvent;
    const key = streamKey(first.peer, first.streamId);
    const state = this.streams.get(key);
    const kind = state?.kind;
    const suffix = state?.created ? 'created' : 'parsed';
    const data: JsonObject = { stream_id: idOut(first.streamId) };
    if (kind === 'subgroup' && header !== undefined && state !== undefined && !state.headerWritten) {
      state.headerWritten = true;
      out.push(
        this.common(header, `moqt:subgroup_header_${suffix}`, {
          stream_id: idOut(first.streamId),
          group_id: idOut(header.groupId),
          publisher_priority: numericOut(header.publisherPriority),
          moqtrace_incomplete: true,
        }),
      );
      // The synthesized header carries no event of its own: the importer does not emit anything for it.
      const written = out[out.length - 1] as QlogEventObject;
      delete written.moqtrace_seq;
      delete written.moqtrace_timestamp;
      delete written.moqtrace_extra;
      written.moqtrace_synthesized = true;
    }
    if (kind === 'fetch' && state !== undefined && !state.headerWritten) {
      state.headerWritten = true;
      const fetchData: JsonObject = { stream_id: idOut(first.streamId) };
      if (state.fetchRequestId !== undefined) fetchData.request_id = idOut(state.fetchRequestId);
      else fetchData.moqtrace_incomplete = true;
      out.push({
        time: qlogTime(this.segmentOffsetMs, Number(first.timestamp)),
        name: `moqt:fetch_header_${suffix}`,
        data: fetchData,
        moqtrace_synthesized: true,
      });
      if (first.peer !== undefined) (out[out.length - 1] as QlogEventObject).group_id = first.peer;
    }
    let name: string;
    if (kind === 'fetch') {
      name = `moqt:fetch_object_${suffix}`;
      data.datagram = false;
      data.end_of_nonexistent_range = false;
      data.end_of_unknown_range = false;
    } else if (kind === 'datagram') {
      name = `moqt:object_datagram_${suffix}`;
      if (state?.trackAlias !== undefined) data.track_alias = idOut(state.trackAlias);
    } else {
      name = `moqt:subgroup_object_${suffix}`;
      const previous = state?.previousObject;
      const delta = previous === undefined ? first.objectId : first.objectId - previous - 1n;
      if (delta >= 0n) data.object_id_delta = idOut(delta);
      if (state !== undefined) state.previousObject = first.objectId;
    }
    data.group_id = idOut(first.groupId);
    data.object_id = idOut(first.objectId);
    if (header !== undefined) {
      data.publisher_priority = numericOut(header.publisherPriority);
      const status = header.objectStatus;
      const wire = typeof status === 'number' ? STATUS_TO_WIRE[status] : undefined;
      data.object_status = wire ?? numericOut(status);
      if (wire === undefined) data.moqtrace_object_status = numericOut(status);
      if (kind === 'datagram') data.end_of_group = status === 1;
    } else {
      data.moqtrace_no_header = true;
    }
    if (payload !== undefined) {
      data.object_payload_length = numericOut(payload.size);
      if (payload.payload !== undefined) data.object_payload = rawInfo(payload.payload);
      else if (kind === 'datagram') data.object_payload = { length: numericOut(payload.size) };
      if (header !== undefined) {
        const next = typeof header.seq === 'number' ? header.seq + 1 : undefined;
        if (payload.seq !== next) data.moqtrace_payload_seq = numericOut(payload.seq);
        if (payload.timestamp !== header.timestamp) data.moqtrace_payload_timestamp = numericOut(payload.timestamp);
        if (payload.extra !== undefined && Object.keys(payload.extra).length > 0) {
          data.moqtrace_payload_extra = toTaggedJson(payload.extra);
        }
      }
    }
    out.push(this.common(first, name, data));
  }

  private error(event: ErrorEvent): QlogEventObject {
    const data: JsonObject = { code: numericOut(event.errorCode), message: event.reason };
    if (event.streamId !== undefined) data.stream_id = idOut(event.streamId);
    if (event.errorKind !== undefined) data.error_kind = event.errorKind;
    if (event.rawLength !== undefined) data.raw_length = numericOut(event.rawLength);
    if (event.raw !== undefined) data.raw = rawInfo(event.raw);
    return this.common(event, 'loglevel:error', data);
  }

  private annotation(event: AnnotationEvent): QlogEventObject {
    if (event.label.startsWith('qlog:')) {
      const original = annotationAsQlogEvent(event);
      if (original !== undefined) {
        const out = this.common(event, original.name, original.data);
        for (const key of Object.keys(original.keys)) if (!(key in out)) out[key] = original.keys[key];
        return out;
      }
    }
    const data: JsonObject = { label: event.label };
    if ('data' in event && event.data !== undefined) data.data = toTaggedJson(event.data);
    return this.common(event, 'moqtrace:annotation', data);
  }
}

function mergeable(header: ObjectHeaderEvent, payload: ObjectPayloadEvent): boolean {
  return (
    header.streamId === payload.streamId &&
    header.groupId === payload.groupId &&
    header.objectId === payload.objectId &&
    header.peer === payload.peer
  );
}

/** A hop time (µs) in ms when that converts back exactly, else the µs value as a decimal string. */
function hopTime(value: Numeric): number | string {
  if (typeof value === 'number' && Number.isSafeInteger(value)) {
    const ms = value / 1000;
    if (Math.round(ms * 1000) === value) return ms;
  }
  return `${value}us`;
}

function messageRendering(message: unknown): string {
  return renderEventJson({ type: 'control', seq: 0, timestamp: 0, direction: 0, messageType: 0, message });
}

/**
 * The importer's memory of data streams (spec §9.4): one small state per stream (whether its `stream-opened`
 * event was emitted, the group and priority of its subgroup header, the previous object id for
 * `object_id_delta`), keyed by peer and stream id, at most {@link MAX_STREAM_STATES} of them (the oldest is
 * forgotten first).
 *
 * @module
 * @internal
 */
import type { Numeric, StreamOpenedEvent, TraceEvent } from '@x/moqtrace';
import { MAX_STREAM_STATES } from './export-events.js';
import type { JsonObject } from './values.js';

/** What the importer remembers of one data stream. */
export interface StreamState {
  opened: boolean;
  pendingOpen: StreamOpenedEvent | undefined;
  groupId: bigint | undefined;
  priority: Numeric | undefined;
  previousObject: bigint | undefined;
  headerExtra: JsonObject | undefined;
}

/** The states of the data streams of one file, bounded. */
export class StreamStates {
  private readonly streams = new Map<string, StreamState>();

  /** The state of a stream, created (forgetting the oldest when full) when `create` is set. */
  get(peer: string | undefined, streamId: bigint, create: true): StreamState;
  get(peer: string | undefined, streamId: bigint, create: boolean): StreamState | undefined;
  get(peer: string | undefined, streamId: bigint, create: boolean): StreamState | undefined {
    const key = keyOf(peer, streamId);
    let state = this.streams.get(key);
    if (state === undefined && create) {
      if (this.streams.size >= MAX_STREAM_STATES) this.streams.delete(this.streams.keys().next().value as string);
      state = {
        opened: false,
        pendingOpen: undefined,
        groupId: undefined,
        priority: undefined,
        previousObject: undefined,
        headerExtra: undefined,
      };
      this.streams.set(key, state);
    }
    return state;
  }

  /** A fresh state for a stream (a new stream with a reused id). */
  reset(peer: string | undefined, streamId: bigint): StreamState {
    this.delete(peer, streamId);
    return this.get(peer, streamId, true);
  }

  /** Forgets a stream. */
  delete(peer: string | undefined, streamId: bigint): void {
    this.streams.delete(keyOf(peer, streamId));
  }

  /** Emits every `stream-opened` still waiting for its direction (incoming, the importer's default). */
  finish(out: TraceEvent[]): void {
    for (const state of this.streams.values()) flushOpen(state, 1, out);
  }
}

function keyOf(peer: string | undefined, streamId: bigint): string {
  return peer === undefined ? streamId.toString() : `${peer}\u0000${streamId}`;
}

/** The event a pending `stream-opened` (no `owner`) becomes once its direction is known, or at the end. */
export function flushOpen(state: StreamState | undefined, direction: number, out: TraceEvent[]): void {
  if (state?.pendingOpen === undefined) return;
  state.pendingOpen.direction = direction;
  out.push(state.pendingOpen);
  state.pendingOpen = undefined;
}

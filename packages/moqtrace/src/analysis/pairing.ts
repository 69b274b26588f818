/**
 * Request pairing and the track table (spec §9.3): SUBSCRIBE/FETCH/PUBLISH ↔ their OK/ERROR by request id up
 * to draft 16, by the request's stream from draft 17; data streams joined through event 1 `ta`/`fri`.
 *
 * @module
 */

import { messageAsMap } from '../events.js';
import type { ControlEvent, TraceEvent } from '../schemas/events.js';
import type { TraceHeader } from '../schemas/header.js';
import { IdIndex } from './id-index.js';
import { controlMessageName, detectDraft, draftFromProtocol, draftFromVersion } from './naming.js';

/** Status of a track entry. */
export type TrackStatus = 'pending' | 'active' | 'error' | 'done';

/** One request (subscription, fetch or publish) and what happened to it. */
export interface TrackEntry {
  /** Request message name (`subscribe`, `fetch`, `publish`). */
  request: string;
  /** How it was paired: by request id (≤ draft 16) or by stream (≥ draft 17); `unpaired` when neither is known. */
  pairing: 'request-id' | 'stream' | 'unpaired';
  /** The request id, when the message carries one. */
  requestId?: bigint;
  /** The control stream of the request (from draft 17 its own stream). */
  streamId?: bigint;
  /** `msg.track_namespace` as decoded. */
  namespace?: unknown;
  /** `msg.track_name` as decoded. */
  name?: unknown;
  /** Track alias from the OK (or the request, in older drafts). */
  alias?: bigint;
  /** pending → active (OK) / error (ERROR) → done (`publish_done`, `subscribe_done`, `unsubscribe`). */
  status: TrackStatus;
  /** Reason of an error or done message, when given. */
  reason?: string;
  /** Index (in the flattened events) of the request. */
  requestIndex: number;
  /** Index of the response, when paired. */
  responseIndex?: number;
  /** Response time minus request time, µs (same segment time base). */
  latencyMicros?: number;
  /** Object headers seen on the track's data streams. */
  objects: number;
  /** Payload bytes (event 4 `size`) on the track's data streams. */
  bytes: number;
  /**
   * Data streams joined to this track, in the order they were opened. Filled by
   * {@link TrackTableBuilder.result} (the builder keeps them compactly while it reads).
   */
  dataStreams: bigint[];
}

/** Options of {@link buildTrackTable}. */
export interface TrackTableOptions {
  /** Draft to assume (default: detected from the header / SETUP). */
  draft?: number;
  /** Header of the trace, for draft detection. */
  header?: Pick<TraceHeader, 'protocol'>;
}

/** The result of {@link buildTrackTable}. */
export interface TrackTable {
  /** Draft used for naming and pairing. */
  draft: number | undefined;
  /** One entry per request, in request order. */
  tracks: TrackEntry[];
  /** Indexes of responses that matched no request. */
  unmatchedResponses: number[];
}

const REQUESTS = new Set(['subscribe', 'fetch', 'publish']);
const OK = new Set(['subscribe_ok', 'fetch_ok', 'publish_ok', 'request_ok']);
const ERROR = new Set(['subscribe_error', 'fetch_error', 'publish_error', 'request_error']);
const DONE = new Set(['publish_done', 'subscribe_done', 'unsubscribe', 'fetch_cancel']);

function toBig(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value >= 0n ? value : undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value);
  return undefined;
}

/** The pairing key of a message up to draft 16: `request_id`, `requestId`, or `subscribe_id` before draft 11. */
export function requestIdOf(message: unknown, draft: number | undefined): bigint | undefined {
  const map = messageAsMap(message);
  if (!map) return undefined;
  const id = toBig(map.request_id) ?? toBig(map.requestId);
  if (id !== undefined) return id;
  if (draft !== undefined && draft < 11) return toBig(map.subscribe_id);
  return undefined;
}

function reasonOf(message: unknown): string | undefined {
  const map = messageAsMap(message);
  if (!map) return undefined;
  for (const key of ['reason_phrase', 'reason', 'error_reason', 'status_reason']) {
    const value = map[key];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/**
 * The data streams joined to each track, without a bigint or an array per stream: per joined stream-opened event
 * its stream's {@link IdIndex} entry and the link to the track's next one, in `Int32Array` pages.
 */
class JoinedStreams {
  private readonly pages: Int32Array[] = []; // per link: stream entry, next link (-1 at the end)
  private readonly heads: number[] = []; // track → its first link (-1: none)
  private readonly tails: number[] = []; // track → its last link
  private size = 0;

  /** Appends the stream of `entry` to `track`'s list. */
  push(track: number, entry: number): void {
    const link = this.size++;
    if ((link & 1023) === 0) this.pages.push(new Int32Array(2048));
    const page = this.pages[link >>> 10] as Int32Array;
    page[(link & 1023) * 2] = entry;
    page[(link & 1023) * 2 + 1] = -1;
    while (this.heads.length <= track) {
      this.heads.push(-1);
      this.tails.push(-1);
    }
    const tail = this.tails[track] as number;
    if (tail < 0) this.heads[track] = link;
    else (this.pages[tail >>> 10] as Int32Array)[(tail & 1023) * 2 + 1] = link;
    this.tails[track] = link;
  }

  /** The stream entries of `track`, in the order they were pushed. */
  *entries(track: number): IterableIterator<number> {
    for (let link = this.heads[track] ?? -1; link >= 0; ) {
      const page = this.pages[link >>> 10] as Int32Array;
      yield page[(link & 1023) * 2] as number;
      link = page[(link & 1023) * 2 + 1] as number;
    }
  }
}

/** Options of {@link TrackTableBuilder.result}. */
export interface TrackTableResultOptions {
  /** Fill each entry's `dataStreams` (default `true`). */
  dataStreams?: boolean;
}

/** Incremental {@link buildTrackTable}: feed events in order, read the table at any time. */
export interface TrackTableBuilder {
  /** Adds the next event (events of all segments, in file order; indexes count every added event). */
  add(event: TraceEvent): void;
  /**
   * The table so far. Entries are live objects that later `add` calls keep updating, except `dataStreams`, which
   * each call fills afresh (O(data streams)); `{ dataStreams: false }` leaves them empty (read them one track at a
   * time with {@link TrackTableBuilder.dataStreams}).
   */
  result(options?: TrackTableResultOptions): TrackTable;
  /**
   * The data streams joined to the track at `index` in `result().tracks`, in the order they were opened, made one
   * at a time: a track with many data streams never holds them all as an array.
   *
   * @example
   * ```ts
   * const { tracks } = builder.result({ dataStreams: false });
   * tracks.forEach((t, i) => console.log(t.request, [...builder.dataStreams(i)].length));
   * ```
   */
  dataStreams(index: number): IterableIterator<bigint>;
}

/**
 * Creates an incremental track table: O(1) amortised work per event and memory proportional to requests and data
 * streams, not events. Without `draft` the draft comes from the header's `protocol`, else from the first SETUP
 * seen with a `selected_version` (messages before it are named without a draft). {@link buildTrackTable} is this
 * builder fed with an array (it detects the draft over the whole array first).
 *
 * @example
 * ```ts
 * const reader = await openTraceReader(file);
 * const tracks = createTrackTableBuilder({ header: reader.header });
 * for await (const { event } of reader) tracks.add(event);
 * console.log(tracks.result().tracks);
 * ```
 */
export function createTrackTableBuilder(options: TrackTableOptions = {}): TrackTableBuilder {
  let draft = options.draft ?? draftFromProtocol(options.header?.protocol);
  let draftKnown = draft !== undefined;
  const tracks: TrackEntry[] = [];
  const unmatched: number[] = [];
  const openByKey = new Map<string, TrackEntry[]>(); // key → open requests (latest last)
  const byStreamKey = new Map<bigint, TrackEntry>();
  const awaitingFirst = new Map<bigint, TrackEntry>(); // ≥ 17: request stream → entry awaiting its response
  const directions = new Map<TrackEntry, number>();
  const requestTimes = new Map<TrackEntry, TraceEvent['timestamp']>();
  const byAlias = new Map<bigint, TrackEntry>();
  const byFetchId = new Map<bigint, TrackEntry>();
  const dataStream = new IdIndex(); // data stream id → index in `tracks`
  // the `dataStreams` arrays are made by `result()`: a read keeps no bigint per data stream (promoting them made
  // V8 grow its young generation)
  const joined = new JoinedStreams();
  function* streamsOf(track: number): IterableIterator<bigint> {
    for (const e of joined.entries(track)) yield dataStream.idAt(e);
  }
  const trackIndex = new Map<TrackEntry, number>();
  let index = -1;

  const key = (id: bigint) => id.toString();

  function control(control: ControlEvent): void {
    if (!draftKnown) {
      const found = draftFromVersion(messageAsMap(control.message)?.selected_version);
      if (found !== undefined) {
        draft = found;
        draftKnown = true;
      }
    }
    const byStream = draft !== undefined && draft >= 17;
    const name = controlMessageName(control, draft);
    const direction = Number(control.direction);
    const message = messageAsMap(control.message);
    if (REQUESTS.has(name)) {
      const requestId = byStream ? undefined : requestIdOf(control.message, draft);
      const entry: TrackEntry = {
        request: name,
        pairing: byStream
          ? control.streamId !== undefined
            ? 'stream'
            : 'unpaired'
          : requestId !== undefined
            ? 'request-id'
            : 'unpaired',
        status: 'pending',
        requestIndex: index,
        objects: 0,
        bytes: 0,
        dataStreams: [],
      };
      if (requestId !== undefined) entry.requestId = requestId;
      const ownId = requestIdOf(control.message, draft);
      if (ownId !== undefined && entry.requestId === undefined) entry.requestId = ownId;
      if (control.streamId !== undefined) entry.streamId = control.streamId;
      if (message?.track_namespace !== undefined) entry.namespace = message.track_namespace;
      if (message?.track_name !== undefined) entry.name = message.track_name;
      const alias = toBig(message?.track_alias);
      if (alias !== undefined) {
        entry.alias = alias;
        byAlias.set(alias, entry);
      }
      if (name === 'fetch' && entry.requestId !== undefined) byFetchId.set(entry.requestId, entry);
      trackIndex.set(entry, tracks.push(entry) - 1);
      directions.set(entry, direction);
      requestTimes.set(entry, control.timestamp);
      if (byStream) {
        if (control.streamId !== undefined) {
          awaitingFirst.set(control.streamId, entry);
          byStreamKey.set(control.streamId, entry);
        }
      } else if (requestId !== undefined) {
        const list = openByKey.get(key(requestId)) ?? [];
        list.push(entry);
        openByKey.set(key(requestId), list);
      }
      return;
    }
    const isOk = OK.has(name);
    const isError = ERROR.has(name);
    const isDone = DONE.has(name);
    if (!isOk && !isError && !isDone) return;
    let entry: TrackEntry | undefined;
    if (byStream) {
      if (control.streamId === undefined) {
        if (isOk || isError) unmatched.push(index);
        return;
      }
      if (isOk || isError) {
        const waiting = awaitingFirst.get(control.streamId);
        if (waiting && directions.get(waiting) !== direction) {
          entry = waiting;
          awaitingFirst.delete(control.streamId);
        }
      } else entry = byStreamKey.get(control.streamId);
    } else {
      const id = requestIdOf(control.message, draft);
      if (id !== undefined) {
        const list = openByKey.get(key(id));
        if (list) {
          for (let i = list.length - 1; i >= 0; i--) {
            const candidate = list[i] as TrackEntry;
            if (isDone || (candidate.responseIndex === undefined && directions.get(candidate) !== direction)) {
              entry = candidate;
              break;
            }
          }
        }
      }
    }
    if (!entry) {
      if (isOk || isError) unmatched.push(index);
      return;
    }
    if (isOk || isError) {
      if (entry.responseIndex !== undefined) return;
      entry.responseIndex = index;
      const requestTime = requestTimes.get(entry);
      if (typeof requestTime === 'number' && typeof control.timestamp === 'number') {
        entry.latencyMicros = control.timestamp - requestTime;
      }
      entry.status = isOk ? 'active' : 'error';
      if (isError) {
        const reason = reasonOf(control.message);
        if (reason !== undefined) entry.reason = reason;
      }
      const alias = toBig(message?.track_alias);
      if (isOk && alias !== undefined) {
        entry.alias = alias;
        byAlias.set(alias, entry);
      }
    } else {
      entry.status = 'done';
      const reason = reasonOf(control.message);
      if (reason !== undefined) entry.reason = reason;
    }
  }

  return {
    add(event) {
      index++;
      switch (event.type) {
        case 'control':
          control(event);
          return;
        case 'stream-opened': {
          let entry: TrackEntry | undefined;
          if (event.fetchRequestId !== undefined) entry = byFetchId.get(event.fetchRequestId);
          if (!entry && event.trackAlias !== undefined) entry = byAlias.get(event.trackAlias);
          if (entry) {
            const track = trackIndex.get(entry) as number;
            joined.push(track, dataStream.set(event.streamId, track));
          }
          return;
        }
        case 'object-header': {
          const i = dataStream.get(event.streamId);
          if (i !== undefined) (tracks[i] as TrackEntry).objects++;
          return;
        }
        case 'object-payload': {
          const i = dataStream.get(event.streamId);
          if (i !== undefined) (tracks[i] as TrackEntry).bytes += Number(event.size);
          return;
        }
        default:
          return;
      }
    },
    result(resultOptions = {}) {
      tracks.forEach((t, i) => {
        t.dataStreams = resultOptions.dataStreams === false ? [] : [...streamsOf(i)];
      });
      return { draft, tracks: tracks.slice(), unmatchedResponses: unmatched.slice() };
    },
    dataStreams: streamsOf,
  };
}

/**
 * Pairs requests with responses and joins data streams into a track table (the draft is detected over the
 * whole array first; see {@link createTrackTableBuilder} for streaming).
 *
 * @example
 * ```ts
 * const { tracks } = buildTrackTable(trace.events, { header: trace.segments[0].header });
 * for (const t of tracks) console.log(t.name, t.status, t.latencyMicros, t.objects, t.bytes);
 * ```
 */
export function buildTrackTable(events: readonly TraceEvent[], options: TrackTableOptions = {}): TrackTable {
  const builder = createTrackTableBuilder({ draft: options.draft ?? detectDraft(options.header, events) });
  for (const event of events) builder.add(event);
  return builder.result();
}

import type {
  BeaconBatch,
  Detail,
  FileFormat,
  FromWorker,
  Problem,
  SsColumns,
  SsHeaderInfo,
  SsStreamInfo,
  StreamRow,
  ToWorker,
  TraceColumns,
  TraceHeaderInfo,
  TrackRow,
} from '../worker/protocol.js';
import { type Column, f64, i8, i32, u8, u16 } from './columns.js';
import { Observable } from './store.js';
import type { HashParams } from './url.js';

/** Main-thread columnar store of a trace's events. */
export class TraceStore {
  readonly seq = f64();
  readonly seg = u16();
  readonly time = f64();
  readonly type = u8();
  readonly dir = i8();
  readonly sid = f64();
  readonly group = f64();
  readonly object = f64();
  readonly size = f64();
  readonly offset = f64();
  readonly name = i32();
  readonly summary = i32();
  readonly alias = f64();
  readonly prio = i32();
  get length(): number {
    return this.seq.length;
  }
  append(cols: TraceColumns): void {
    for (const key of Object.keys(cols) as (keyof TraceColumns)[]) {
      (this[key] as Column<TraceColumns[typeof key]>).append(cols[key]);
    }
  }
}

export class SsStore {
  readonly stream = i32();
  readonly seq = f64();
  readonly ts = f64();
  readonly size = f64();
  readonly offset = f64();
  readonly flags = u8();
  readonly preview = i32();
  readonly beaconOffset = f64();
  readonly beaconRemaining = f64();
  readonly beaconMarkers = u16();
  get length(): number {
    return this.seq.length;
  }
  append(cols: SsColumns, beacons: BeaconBatch): void {
    for (const key of Object.keys(cols) as (keyof SsColumns)[]) {
      (this[key] as Column<SsColumns[typeof key]>).append(cols[key]);
    }
    this.beaconOffset.append(beacons.offset);
    this.beaconRemaining.append(beacons.remaining);
    this.beaconMarkers.append(beacons.markers);
  }
}

export interface Fatal {
  code: string;
  message: string;
  hex: string;
}

let nextSessionId = 1;

/** One opened file: its worker, progress and the records received so far. */
export class FileSession extends Observable {
  readonly id = nextSessionId++;
  format: FileFormat | null = null;
  size = 0;
  bytesRead = 0;
  done = false;
  complete = true;
  elapsedMs = 0;
  /** Milliseconds from open to the first batch of rows. */
  firstRowsMs = Number.NaN;
  fatal: Fatal | null = null;
  problems: Problem[] = [];
  strings: string[] = [];
  traceHeader: TraceHeaderInfo | null = null;
  ssHeader: SsHeaderInfo | null = null;
  ssStreams: SsStreamInfo[] = [];
  readonly trace = new TraceStore();
  readonly ss = new SsStore();
  tracks: TrackRow[] = [];
  streams: StreamRow[] = [];
  /** Bumped whenever rows are appended (filters recompute). */
  rowsVersion = 0;
  /** The tab's view, filters and selection, as the URL hash shows them while the tab is active. */
  viewState: HashParams;
  /** Bumped when {@link viewState} is replaced from outside (a URL edit, back/forward): the views re-read it. */
  viewEpoch = 0;
  /** The file's bytes once available (`null` when they could not be fetched): the SQL tab reads them. */
  readonly blobReady: Promise<Blob | null>;
  private resolveBlob: (blob: Blob | null) => void = () => undefined;
  private worker: Worker | null = null;
  private readonly startedAt = performance.now();
  private nextReq = 1;
  private readonly pending = new Map<number, (value: FromWorker) => void>();

  /** The same-origin URL the file was fetched from (kept in the page URL as `?file=`), null for a local file. */
  readonly url: string | null;

  constructor(
    readonly name: string,
    source: Blob | string,
    viewState: HashParams = {},
  ) {
    super();
    this.url = typeof source === 'string' ? source : null;
    this.viewState = viewState;
    this.blobReady = new Promise((resolve) => {
      this.resolveBlob = resolve;
    });
    void this.start(source);
  }

  /** Replaces the view state from outside the views (they re-read it). */
  replaceViewState(state: HashParams): void {
    this.viewState = state;
    this.viewEpoch++;
    this.notify();
  }

  private async start(source: Blob | string): Promise<void> {
    let blob: Blob;
    if (typeof source === 'string') {
      try {
        blob = await fetchSameOrigin(source);
      } catch (error) {
        this.resolveBlob(null);
        this.fail('FETCH_FAILED', error instanceof Error ? error.message : String(error));
        return;
      }
    } else {
      blob = source;
    }
    this.resolveBlob(blob);
    this.size = blob.size;
    const worker = new Worker(new URL('../worker/parse-worker.ts', import.meta.url), { type: 'module' });
    this.worker = worker;
    worker.onmessage = (event: MessageEvent<FromWorker>) => this.receive(event.data);
    worker.onerror = (event) => {
      this.fail('WORKER_ERROR', event.message || 'the parser stopped unexpectedly');
    };
    this.post({ kind: 'open', file: blob, name: this.name });
  }

  private post(message: ToWorker): void {
    this.worker?.postMessage(message);
  }

  private fail(code: string, message: string): void {
    this.fatal = { code, message, hex: '' };
    this.done = true;
    this.notify();
  }

  private receive(message: FromWorker): void {
    switch (message.kind) {
      case 'format':
        this.format = message.format;
        this.size = message.size;
        break;
      case 'header':
        if (message.header.format === 'moqtrace') this.traceHeader = message.header;
        else this.ssHeader = message.header;
        break;
      case 'trace-batch':
        this.appendStrings(message.strings);
        this.trace.append(message.cols);
        this.rowsArrived();
        break;
      case 'ss-batch':
        this.appendStrings(message.strings);
        this.ss.append(message.cols, message.beacons);
        this.rowsArrived();
        break;
      case 'ss-streams':
        this.ssStreams = message.streams;
        break;
      case 'progress':
        this.bytesRead = message.bytes;
        this.size = message.total;
        break;
      case 'problem':
        this.problems.push(message.problem);
        break;
      case 'done':
        this.tracks = message.tracks;
        this.streams = message.streams;
        this.complete = message.complete;
        this.elapsedMs = performance.now() - this.startedAt;
        this.bytesRead = this.size;
        this.done = true;
        this.rowsVersion++;
        break;
      case 'fatal':
        this.fatal = { code: message.code, message: message.message, hex: message.hex };
        this.done = true;
        break;
      case 'detail':
      case 'seek': {
        const resolve = this.pending.get(message.reqId);
        this.pending.delete(message.reqId);
        resolve?.(message);
        return;
      }
    }
    this.notify();
  }

  private appendStrings(strings: string[]): void {
    for (const s of strings) this.strings.push(s);
  }

  private rowsArrived(): void {
    if (Number.isNaN(this.firstRowsMs)) this.firstRowsMs = performance.now() - this.startedAt;
    this.rowsVersion++;
  }

  str(index: number): string {
    return index >= 0 ? (this.strings[index] ?? '') : '';
  }

  get rowCount(): number {
    return this.format === 'ss' ? this.ss.length : this.trace.length;
  }

  detail(index: number): Promise<Detail | null> {
    const reqId = this.nextReq++;
    return new Promise((resolve) => {
      this.pending.set(reqId, (m) => resolve(m.kind === 'detail' ? m.detail : null));
      this.post({ kind: 'detail', reqId, index });
    });
  }

  seek(stream: number, by: 'seq' | 'time', value: string): Promise<{ index: number; message: string }> {
    const reqId = this.nextReq++;
    return new Promise((resolve) => {
      this.pending.set(reqId, (m) => resolve(m.kind === 'seek' ? m : { index: -1, message: 'no answer' }));
      this.post({ kind: 'seek', reqId, stream, by, value });
    });
  }

  close(): void {
    this.worker?.terminate();
    this.worker = null;
  }
}

/** Fetches a file served by `xtrace view`; only same-origin URLs are accepted. */
async function fetchSameOrigin(url: string): Promise<Blob> {
  const resolved = new URL(url, location.href);
  if (resolved.origin !== location.origin)
    throw new Error(`refusing to load ${url}: only same-origin files are opened`);
  const response = await fetch(resolved.href, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
  return response.blob();
}

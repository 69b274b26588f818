/**
 * The two output formats of the reference SeaStreamer decoder (`ss-decode`, spec §11.2–11.3), reproduced byte
 * for byte: `log` (`[ts | key | seq | shard] payload` lines, `# …` header and beacon lines) and `ndjson`
 * (`/* … *\/` header and beacon lines, serde_json-rendered messages). A beacon's line follows the message
 * during whose reading the reference parsed it: the first message ending after the beacon's offset.
 *
 * @module
 */
import type { ByteSink } from '@x/binary';
import type { SeaStreamerBeacon, SeaStreamerMarker } from '../beacon.js';
import type { SeaStreamerRecord } from '../core.js';
import type { SeaStreamerMessage } from '../frame.js';
import type { SeaStreamerHeader } from '../header.js';
import { MAX_TIMESTAMP_MS } from '../timestamp.js';
import { ByteOutput, byteArrayLength, isUtf8, writeByteArray } from './output.js';
import { reserializeLikeSerde } from './serde-json.js';

/** Options of {@link createSsDecodeWriter}. */
export interface SsDecodeOptions {
  /** `log` (the default format of `ss-decode`) or `ndjson` (`--format ndjson`). */
  format: 'log' | 'ndjson';
  /** Omit payloads, like `--header-only` (default false). */
  headerOnly?: boolean;
}

/**
 * Writes a file in the reference decoder's format into a `ByteSink`. Give it the header, then the records in
 * file order (messages and beacons, as a reader with `beacons: true` gives them). A message is held back until
 * the next record shows which beacon line follows it; `finish()` writes what is still held and hands every byte
 * to the sink (which stays open: its owner closes it). The calls return the sink's promise when it asked to
 * wait (backpressure), else `undefined`.
 */
export interface SsDecodeWriter {
  /** The header line. */
  header(header: Pick<SeaStreamerHeader, 'fileName' | 'createdAt' | 'beaconInterval'>): Promise<void> | undefined;
  /**
   * Takes the next record. `print: false` leaves a message out of the output (a filter) while it still places
   * the beacon lines as the reference does.
   */
  record(record: SeaStreamerRecord, print?: boolean): Promise<void> | undefined;
  /** Writes the held message and its beacon line, and hands everything buffered to the sink. */
  finish(): Promise<void>;
  /** Hands everything written so far to the sink, without the held message (a reader stopping at a limit). */
  flush(): Promise<void>;
  /** True once the end-of-stream message was written (the reference stops there). */
  readonly ended: boolean;
  /** Messages written so far. */
  readonly printed: number;
}

const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const ascii = new TextDecoder('utf-8');

/** The payload's text, or `undefined` when it is not valid UTF-8 (a binary payload). */
function utf8Text(payload: Uint8Array): string | undefined {
  return isUtf8(payload) ? fatal.decode(payload) : undefined;
}

/** The JSON text of a payload's string (serde's re-serialisation when it is JSON, else a JSON string). */
function jsonText(text: string): string {
  return reserializeLikeSerde(text) ?? JSON.stringify(text);
}

/** The `payload` value of an `ss-decode --format ndjson` line for a payload. */
export function ndjsonPayload(payload: Uint8Array): string {
  const text = utf8Text(payload);
  if (text !== undefined) return jsonText(text);
  const bytes = new Uint8Array(byteArrayLength(payload));
  return ascii.decode(bytes.subarray(0, writeByteArray(payload, bytes, 0)));
}

/**
 * Rust `ss-decode` timestamp text (spec §11.1) with the text of the current second kept: messages come in
 * time order, so most share it.
 */
class RustTimestamps {
  private second = Number.NaN;
  private prefix = '';

  format(ms: bigint): string {
    if (ms < 0n || ms > MAX_TIMESTAMP_MS) return `${ms} ms`;
    const n = Number(ms);
    const second = Math.floor(n / 1000);
    if (second !== this.second) {
      this.second = second;
      this.prefix = new Date(second * 1000).toISOString().slice(0, 20); // YYYY-MM-DDTHH:MM:SS.
    }
    const milli = n - second * 1000;
    if (milli === 0) return `${this.prefix}0`;
    let f = milli < 10 ? `00${milli}` : milli < 100 ? `0${milli}` : String(milli);
    while (f.charCodeAt(f.length - 1) === 0x30) f = f.slice(0, -1);
    return this.prefix + f;
  }
}

/**
 * Creates a writer of the reference decoder's output into `sink` (see {@link SsDecodeWriter}).
 *
 * @example
 * ```ts
 * import { createMemorySink } from '@x/binary';
 * const sink = createMemorySink();
 * const out = createSsDecodeWriter(sink, { format: 'ndjson' });
 * const reader = await openSeaStreamerReader(file, { beacons: true, strict: true });
 * out.header(reader.header);
 * for await (const record of reader) {
 *   out.record(record);
 *   if (out.ended) break;
 * }
 * await out.finish();
 * const text = new TextDecoder().decode(sink.toBytes());
 * ```
 */
export function createSsDecodeWriter(sink: ByteSink, options: SsDecodeOptions): SsDecodeWriter {
  const log = options.format === 'log';
  const headerOnly = options.headerOnly ?? false;
  const out = new ByteOutput(sink);
  const times = new RustTimestamps();
  const keyJson = new Map<string, string>();
  const pending: SeaStreamerBeacon[] = [];
  let held: SeaStreamerMessage | undefined;
  let heldPrint = false;
  let printedBeacon = 0;
  let printed = 0;
  let ended = false;

  const quotedKey = (key: string): string => {
    let json = keyJson.get(key);
    if (json === undefined) {
      json = JSON.stringify(key);
      if (keyJson.size < 4096) keyJson.set(key, json);
    }
    return json;
  };

  const message = (m: SeaStreamerMessage): void => {
    const ts = times.format(m.timestamp);
    if (log) {
      out.text(`[${ts} | ${m.streamKey} | ${m.seqNo} | ${m.shardId}]`);
      if (!headerOnly) {
        if (isUtf8(m.payload)) {
          out.byte(0x20);
          out.bytes(m.payload); // the text, verbatim
        } else out.text(' <BINARY BLOB>');
      }
      out.byte(0x0a);
      return;
    }
    out.text(
      `{"header":{"stream_key":${quotedKey(m.streamKey)},"shard_id":${m.shardId},"sequence":${m.seqNo},"timestamp":"${ts}"},"payload":`,
    );
    if (headerOnly) out.text('null');
    else if (!out.json(m.payload)) {
      // Not in the byte-level subset: the text path, or a binary payload's byte array.
      const text = utf8Text(m.payload);
      if (text === undefined) out.byteArray(m.payload);
      else out.text(jsonText(text));
    }
    out.text('}\n');
  };

  const markerJson = (k: SeaStreamerMarker): string =>
    `{"header":{"stream_key":${quotedKey(k.streamKey)},"shard_id":${k.shardId},"sequence":${k.seqNo},"timestamp":"${times.format(k.timestamp)}"},"running_checksum":${k.runningChecksum}}`;

  const beaconLine = (b: SeaStreamerBeacon): void => {
    const json = `[${b.markers.map(markerJson).join(',')}]`;
    out.text(log ? `# ${json}\n` : `/* ${json} */\n`);
  };

  /** The held message's line and the line of the last beacon parsed while reading it. */
  const release = (): void => {
    const m = held;
    if (m === undefined || ended) return;
    held = undefined;
    let beacon: SeaStreamerBeacon | undefined;
    while (pending.length > 0 && (pending[0] as SeaStreamerBeacon).offset < m.endOffset) beacon = pending.shift();
    if (heldPrint) {
      message(m);
      printed++;
    }
    if (beacon !== undefined && beacon.index !== printedBeacon) {
      printedBeacon = beacon.index;
      beaconLine(beacon);
    }
    if (m.isEos) ended = true;
  };

  return {
    header(h) {
      const json = `{"file_name":${JSON.stringify(h.fileName)},"created_at":"${times.format(h.createdAt)}","beacon_interval":${h.beaconInterval}}`;
      out.text(log ? `# ${json}\n` : `/* ${json} */\n`);
      return out.take();
    },
    record(record, print = true) {
      if (record.kind === 'beacon') {
        pending.push(record);
        return undefined;
      }
      release();
      held = record;
      heldPrint = print;
      return out.take();
    },
    async finish() {
      release();
      await this.flush();
    },
    async flush() {
      out.handOver();
      await out.take();
      await sink.flush?.();
    },
    get ended() {
      return ended;
    },
    get printed() {
      return printed;
    },
  };
}

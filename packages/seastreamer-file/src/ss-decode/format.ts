/**
 * The two output formats of the reference SeaStreamer decoder (`ss-decode`, spec §11.2–11.3), reproduced byte
 * for byte: `log` (`[ts | key | seq | shard] payload` lines, `# …` header and beacon lines) and `ndjson`
 * (`/* … *\/` header and beacon lines, serde_json-rendered messages). A beacon's line follows the message
 * during whose reading the reference parsed it: the first message ending after the beacon's offset.
 *
 * @module
 */
import type { SeaStreamerBeacon, SeaStreamerMarker } from '../beacon.js';
import type { SeaStreamerRecord } from '../core.js';
import type { SeaStreamerMessage } from '../frame.js';
import type { SeaStreamerHeader } from '../header.js';
import { MAX_TIMESTAMP_MS } from '../timestamp.js';
import { reserializeLikeSerde } from './serde-json.js';

/** Options of {@link createSsDecodeRenderer}. */
export interface SsDecodeOptions {
  /** `log` (the default format of `ss-decode`) or `ndjson` (`--format ndjson`). */
  format: 'log' | 'ndjson';
  /** Omit payloads, like `--header-only` (default false). */
  headerOnly?: boolean;
}

/**
 * Renders a file in the reference decoder's format. Feed the header, then the records in file order
 * (messages and beacons, as a reader with `beacons: true` gives them); each call returns the text ready to
 * print. A message is held back until the next record shows which beacon line follows it; `finish()` returns
 * what is still held.
 */
export interface SsDecodeRenderer {
  /** The header line. */
  header(header: Pick<SeaStreamerHeader, 'fileName' | 'createdAt' | 'beaconInterval'>): string;
  /**
   * Takes the next record. `print: false` leaves a message out of the output (a filter) while it still places
   * the beacon lines as the reference does.
   */
  record(record: SeaStreamerRecord, print?: boolean): string;
  /** The text still held back: the last message and its beacon line. */
  finish(): string;
  /** True once the end-of-stream message was rendered (the reference stops there). */
  readonly ended: boolean;
  /** Messages rendered so far. */
  readonly printed: number;
}

const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const ascii = new TextDecoder('utf-8');

/** The decimal digits of each byte value followed by a comma, as ASCII bytes, 4 per value (0-padded at the end). */
const BYTE_TEXT = (() => {
  const table = new Uint8Array(256 * 4);
  for (let b = 0; b < 256; b++) {
    const text = `${b},`;
    for (let i = 0; i < text.length; i++) table[b * 4 + i] = text.charCodeAt(i);
  }
  return table;
})();

/** `[1,2,3]`: a binary payload as the JSON array of its byte values (what serde prints for a `Vec<u8>`). */
function byteArray(payload: Uint8Array): string {
  if (payload.length === 0) return '[]';
  const out = new Uint8Array(payload.length * 4 + 1);
  out[0] = 0x5b;
  let o = 1;
  for (let i = 0; i < payload.length; i++) {
    const t = (payload[i] as number) * 4;
    out[o++] = BYTE_TEXT[t] as number;
    const c1 = BYTE_TEXT[t + 1] as number;
    if (c1 === 0x2c) {
      out[o++] = 0x2c;
      continue;
    }
    out[o++] = c1;
    const c2 = BYTE_TEXT[t + 2] as number;
    out[o++] = c2;
    if (c2 !== 0x2c) out[o++] = 0x2c;
  }
  out[o - 1] = 0x5d; // the last comma becomes the closing bracket
  return ascii.decode(out.subarray(0, o));
}

/** The `payload` value of an `ss-decode --format ndjson` line for a payload. */
export function ndjsonPayload(payload: Uint8Array): string {
  let text: string;
  try {
    text = fatal.decode(payload);
  } catch {
    return byteArray(payload);
  }
  return reserializeLikeSerde(text) ?? JSON.stringify(text);
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
 * Creates a renderer of the reference decoder's output (see {@link SsDecodeRenderer}).
 *
 * @example
 * ```ts
 * const renderer = createSsDecodeRenderer({ format: 'ndjson' });
 * const reader = await openSeaStreamerReader(file, { beacons: true, strict: true });
 * let out = renderer.header(reader.header);
 * for await (const record of reader) {
 *   out += renderer.record(record);
 *   if (renderer.ended) break;
 * }
 * out += renderer.finish();
 * ```
 */
export function createSsDecodeRenderer(options: SsDecodeOptions): SsDecodeRenderer {
  const log = options.format === 'log';
  const headerOnly = options.headerOnly ?? false;
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

  const messageLine = (m: SeaStreamerMessage): string => {
    const ts = times.format(m.timestamp);
    if (log) {
      const head = `[${ts} | ${m.streamKey} | ${m.seqNo} | ${m.shardId}]`;
      if (headerOnly) return `${head}\n`;
      let text: string;
      try {
        text = fatal.decode(m.payload);
      } catch {
        return `${head} <BINARY BLOB>\n`;
      }
      return `${head} ${text}\n`;
    }
    const payload = headerOnly ? 'null' : ndjsonPayload(m.payload);
    return `{"header":{"stream_key":${quotedKey(m.streamKey)},"shard_id":${m.shardId},"sequence":${m.seqNo},"timestamp":"${ts}"},"payload":${payload}}\n`;
  };

  const markerJson = (k: SeaStreamerMarker): string =>
    `{"header":{"stream_key":${quotedKey(k.streamKey)},"shard_id":${k.shardId},"sequence":${k.seqNo},"timestamp":"${times.format(k.timestamp)}"},"running_checksum":${k.runningChecksum}}`;

  const beaconLine = (b: SeaStreamerBeacon): string => {
    const json = `[${b.markers.map(markerJson).join(',')}]`;
    return log ? `# ${json}\n` : `/* ${json} */\n`;
  };

  /** The held message's line and the line of the last beacon parsed while reading it. */
  const release = (): string => {
    const m = held;
    if (m === undefined || ended) return '';
    held = undefined;
    let beacon: SeaStreamerBeacon | undefined;
    while (pending.length > 0 && (pending[0] as SeaStreamerBeacon).offset < m.endOffset) beacon = pending.shift();
    let out = '';
    if (heldPrint) {
      out = messageLine(m);
      printed++;
    }
    if (beacon !== undefined && beacon.index !== printedBeacon) {
      printedBeacon = beacon.index;
      out += beaconLine(beacon);
    }
    if (m.isEos) ended = true;
    return out;
  };

  return {
    header(h) {
      const json = `{"file_name":${JSON.stringify(h.fileName)},"created_at":"${times.format(h.createdAt)}","beacon_interval":${h.beaconInterval}}`;
      return log ? `# ${json}\n` : `/* ${json} */\n`;
    },
    record(record, print = true) {
      if (record.kind === 'beacon') {
        pending.push(record);
        return '';
      }
      const out = release();
      held = record;
      heldPrint = print;
      return out;
    },
    finish: release,
    get ended() {
      return ended;
    },
    get printed() {
      return printed;
    },
  };
}

/**
 * The two output formats of the reference SeaStreamer decoder (`ss-decode`, spec §11.2–11.3), reproduced
 * byte for byte: `log` (`[ts | key | seq | shard] payload`, `# …` header and beacon lines) and `ndjson`
 * (`/* … *\/` header and beacon lines, serde_json-rendered messages). Beacon lines follow the message during
 * whose reading the beacon was parsed, i.e. the first message ending after the beacon's offset.
 *
 * @module
 */
import { isValidUtf8 } from '@x/binary';
import { reserializeLikeSerde } from './serde-json.js';

/** Header fields the formats print. */
export interface SsDecodeHeader {
  /** File name from the header. */
  fileName: string;
  /** Creation time, Rust timestamp text. */
  createdAt: string;
  /** Beacon interval. */
  beaconInterval: number;
}

/** Message fields the formats print. */
export interface SsDecodeMessage {
  /** Stream key. */
  streamKey: string;
  /** Shard id. */
  shardId: bigint;
  /** Sequence number. */
  seqNo: bigint;
  /** Timestamp as Rust text. */
  timestamp: string;
  /** Payload bytes. */
  payload: Uint8Array;
}

/** A beacon marker as the formats print it. */
export interface SsDecodeMarker {
  /** Stream key. */
  streamKey: string;
  /** Shard id. */
  shardId: bigint;
  /** Max sequence number. */
  seqNo: bigint;
  /** Max timestamp as Rust text. */
  timestamp: string;
  /** Running checksum. */
  runningChecksum: number;
}

const textDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Renders `ss-decode` lines; `log` or `ndjson`, with or without payloads (`--header-only`). */
export class SsDecodeFormatter {
  constructor(
    readonly format: 'log' | 'ndjson',
    readonly headerOnly: boolean,
  ) {}

  /** The header line. */
  header(h: SsDecodeHeader): string {
    const json = `{"file_name":${JSON.stringify(h.fileName)},"created_at":${JSON.stringify(h.createdAt)},"beacon_interval":${h.beaconInterval}}`;
    return this.format === 'log' ? `# ${json}\n` : `/* ${json} */\n`;
  }

  /** One message line. */
  message(m: SsDecodeMessage): string {
    if (this.format === 'log') {
      const head = `[${m.timestamp} | ${m.streamKey} | ${m.seqNo} | ${m.shardId}]`;
      if (this.headerOnly) return `${head}\n`;
      return isValidUtf8(m.payload) ? `${head} ${textDecoder.decode(m.payload)}\n` : `${head} <BINARY BLOB>\n`;
    }
    const header = `{"stream_key":${JSON.stringify(m.streamKey)},"shard_id":${m.shardId},"sequence":${m.seqNo},"timestamp":${JSON.stringify(m.timestamp)}}`;
    return `{"header":${header},"payload":${this.headerOnly ? 'null' : ndjsonPayload(m.payload)}}\n`;
  }

  /** A beacon line (its markers). */
  beacon(markers: readonly SsDecodeMarker[]): string {
    const json = `[${markers
      .map(
        (k) =>
          `{"header":{"stream_key":${JSON.stringify(k.streamKey)},"shard_id":${k.shardId},"sequence":${k.seqNo},"timestamp":${JSON.stringify(k.timestamp)}},"running_checksum":${k.runningChecksum}}`,
      )
      .join(',')}]`;
    return this.format === 'log' ? `# ${json}\n` : `/* ${json} */\n`;
  }
}

/** The `payload` value of an `ss-decode --format ndjson` line. */
export function ndjsonPayload(payload: Uint8Array): string {
  if (!isValidUtf8(payload)) return `[${payload.join(',')}]`;
  const text = textDecoder.decode(payload);
  return reserializeLikeSerde(text) ?? JSON.stringify(text);
}

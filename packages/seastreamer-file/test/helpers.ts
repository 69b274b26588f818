import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SeaStreamerMessage, SeaStreamerReader, SeaStreamerRecord } from '../src/index.js';

/** The shared corpus folder: `$X_FIXTURES_DIR/seastreamer` or `../shared/fixtures/seastreamer` from the repo root. */
export const fixturesRoot =
  process.env.X_FIXTURES_DIR ?? fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
export const seastreamerDir = `${fixturesRoot.replace(/\/$/, '')}/seastreamer`;
export const corpusPresent = existsSync(`${seastreamerDir}/README.md`);
/**
 * Under CI (`CI=true`) the corpus is required: the suites that need it run (and fail) without it instead of
 * skipping, and `corpus.test.ts` says why.
 */
export const corpusRequired = process.env.CI === 'true';
/** Whether the suites that need the corpus are skipped: only outside CI, when it is absent. */
export const skipCorpus = !corpusPresent && !corpusRequired;
if (!corpusPresent) {
  console.warn(
    `SeaStreamer conformance corpus not found at ${seastreamerDir} (set X_FIXTURES_DIR): conformance tests ${corpusRequired ? 'fail (CI=true)' : 'skipped'}`,
  );
}

/** Names of the corpus's `.ss` files (under CI a missing corpus throws). */
export function fixtureNames(): string[] {
  if (skipCorpus) return [];
  return readdirSync(seastreamerDir)
    .filter((f) => f.endsWith('.ss'))
    .map((f) => f.slice(0, -3))
    .sort();
}

export function readFixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(`${seastreamerDir}/${name}.ss`));
}

export interface ExpectedMessage {
  offset: number;
  endOffset: number;
  frameSize: number;
  splicedBy: number[];
  streamKey: string;
  shardId: number | string;
  seqNo: number | string;
  timestampMs: number | string;
  timestamp: string;
  payloadEncoding: 'utf8' | 'hex';
  payload?: string;
  payloadSize: number;
  payloadSha256: string;
  checksum: number;
  checksumOk: boolean;
  terminator: number;
  isEos: boolean;
}

export interface ExpectedMarker {
  streamKey: string;
  shardId: number | string;
  seqNo: number | string;
  timestampMs: number | string;
  timestamp: string;
  runningChecksum: number;
}

export type ExpectedBeacon =
  | {
      offset: number;
      index: number;
      remainingMessageBytes: number;
      size: number;
      markers: ExpectedMarker[];
      leadByte: number;
      tailByte: number;
      truncated?: undefined;
    }
  | { index: number; offset: number; truncated: true };

export type ExpectedRewind =
  | {
      target: number | 'End' | 'Beginning';
      returned: number;
      offsetAfter: number;
      next: { streamKey: string; seqNo: number | string } | { error: string };
    }
  | { target: number | 'End' | 'Beginning'; error: string };

export interface Expected {
  fixture: string;
  fileSize: number;
  error?: string;
  header?: { fileName: string; createdAtMs: number; createdAt: string; beaconInterval: number; paddingOk: boolean };
  messages?: ExpectedMessage[];
  beacons?: ExpectedBeacon[];
  end?: { reason: string; offset: number; trailingBytes: number };
  rewind?: ExpectedRewind[];
  isStreamEnded?: boolean | { error: string };
}

export function readExpected(name: string): Expected {
  return JSON.parse(readFileSync(`${seastreamerDir}/${name}.expected.json`, 'utf8')) as Expected;
}

/** Deterministic pseudo-random generator for generated data. */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x1_0000_0000;
  };
}

/** The next message of a reader (beacons skipped), or `null` at the end; each call reads on from where the last stopped. */
export async function nextMessage(reader: SeaStreamerReader): Promise<SeaStreamerMessage | null> {
  for (;;) {
    const r = await reader[Symbol.asyncIterator]().next();
    if (r.done) return null;
    if (r.value.kind === 'message') return r.value;
  }
}

/** Every record a reader gives until its end. */
export async function readAll(reader: SeaStreamerReader): Promise<SeaStreamerRecord[]> {
  const out: SeaStreamerRecord[] = [];
  for await (const record of reader) out.push(record);
  return out;
}

/** Only the messages of a list of records. */
export function messagesOf(records: readonly SeaStreamerRecord[]): SeaStreamerMessage[] {
  return records.filter((r): r is SeaStreamerMessage => r.kind === 'message');
}

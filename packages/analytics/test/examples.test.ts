// The five example questions of the docs, run on generated multi-file datasets (flat and Hive-partitioned), their
// results checked against values computed here from the generated records, without the library.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeTrace } from '@x/moqtrace';
import { writeSeaStreamer } from '@x/seastreamer-file';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_QUERIES } from '../src/index.js';
import { type AnalyticsDatabase, exportRecordings, openDataset } from '../src/node/index.js';
import { rows, tempDir } from './helpers.js';

const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 1, 8, 0, 0); // 2026-11-01 08:00 UTC

interface Subscribe {
  file: string;
  relay: string;
  draft: number;
  namespace: string;
  track: string;
  startTime: number;
  requestUs: number;
  latencyUs: number;
  outcome: 'ok' | 'error' | 'none';
  reason: string;
}

interface Payload {
  file: string;
  streamId: bigint;
  size: number;
}

interface Message {
  streamKey: string;
  timestamp: number;
  size: number;
}

const subscribes: Subscribe[] = [];
const payloads: Payload[] = [];
const errorEvents: { file: string; draft: number }[] = [];
const traceDrafts = new Map<string, number>();
const messages: Message[] = [];

/** A deterministic pseudo-random sequence. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

function makeTraces(dir: string): string[] {
  const paths: string[] = [];
  const next = random(7);
  const relays = ['https://relay-a.example/moq', 'https://relay-b.example/moq', 'https://relay-c.example/moq'];
  for (let f = 0; f < 9; f++) {
    const file = join(dir, `trace-${f}.moqtrace`);
    const draft = [11, 14, 16][f % 3] as number;
    const relay = relays[f % 3] as string;
    const startTime = START + f * 1.3 * DAY; // spans ~10.4 days
    traceDrafts.set(file, draft);
    const events: Record<string, unknown>[] = [];
    let seq = 0;
    let t = 1000;
    for (let k = 0; k < 12; k++) {
      const namespace = k % 2 === 0 ? 'live' : 'vod';
      const track = `track-${k % 3}`;
      const outcome = k % 5 === 4 ? 'error' : k % 7 === 6 ? 'none' : 'ok';
      const latencyUs = 1000 * (1 + Math.floor(next() * 40));
      const reason = outcome === 'error' ? (k % 2 ? 'unauthorized' : 'no such track') : '';
      events.push({
        type: 'control',
        seq: seq++,
        timestamp: t,
        direction: 0,
        messageType: 3,
        message: { type: 'subscribe', request_id: k, track_namespace: [namespace], track_name: track },
      });
      subscribes.push({ file, relay, draft, namespace, track, startTime, requestUs: t, latencyUs, outcome, reason });
      if (outcome !== 'none') {
        events.push({
          type: 'control',
          seq: seq++,
          timestamp: t + latencyUs,
          direction: 1,
          messageType: outcome === 'ok' ? 4 : 5,
          message:
            outcome === 'ok'
              ? { type: 'subscribe_ok', request_id: k, track_alias: k }
              : { type: 'subscribe_error', request_id: k, error_code: 4, reason_phrase: reason },
        });
      }
      t += 50_000;
      const streamId = BigInt(4 * k + 3);
      for (let o = 0; o < 3; o++) {
        const size = 100 + Math.floor(next() * 1000);
        events.push({
          type: 'object-payload',
          seq: seq++,
          timestamp: t,
          streamId,
          groupId: 0n,
          objectId: BigInt(o),
          size,
        });
        payloads.push({ file, streamId, size });
        t += 1000;
      }
      if (k % 4 === 1) {
        events.push({ type: 'error', seq: seq++, timestamp: t, errorCode: 3, reason: 'protocol violation' });
        errorEvents.push({ file, draft });
      }
    }
    const bytes = writeTrace({
      header: {
        protocol: `moq-transport-${draft}`,
        perspective: 'client',
        detail: 'headers+sizes',
        startTime,
        endpoint: relay,
      },
      events: events as never,
    });
    writeFileSync(file, bytes);
    paths.push(file);
  }
  return paths;
}

function makeSs(dir: string): string[] {
  const paths: string[] = [];
  const next = random(11);
  for (let f = 0; f < 4; f++) {
    const file = join(dir, `rec-${f}.ss`);
    const day = START + (f < 2 ? 0 : 1) * DAY; // two files on each of two days
    const input = [];
    for (let i = 0; i < 200; i++) {
      const streamKey = `s${(i + f) % 3}`;
      const timestamp = day + f * 3_600_000 + i * 250 + Math.floor(next() * 100);
      const payload = 'p'.repeat(1 + Math.floor(next() * 500));
      input.push({ streamKey, shardId: 0n, seqNo: BigInt(i), timestamp: BigInt(timestamp), payload });
      messages.push({ streamKey, timestamp, size: payload.length });
    }
    writeFileSync(
      file,
      writeSeaStreamer(input, {
        fileName: `rec-${f}.ss`,
        beaconInterval: 1024,
        eos: BigInt(day + 10 * 3_600_000),
        createdAt: BigInt(day),
      }),
    );
    paths.push(file);
  }
  return paths;
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const round3 = (x: number) => Math.round(x * 1000) / 1000;

function expected(id: string): Record<string, unknown>[] {
  switch (id) {
    case 'subscribe-errors-by-relay': {
      const groups = new Map<string, Subscribe[]>();
      for (const s of subscribes.filter((s) => s.outcome === 'error')) {
        const key = `${s.relay}|${s.draft}`;
        groups.set(key, [...(groups.get(key) ?? []), s]);
      }
      return [...groups.values()]
        .map((g) => ({
          relay: g[0]?.relay,
          draft: g[0]?.draft,
          subscribe_errors: g.length,
          files: new Set(g.map((s) => s.file)).size,
          reasons: [...new Set(g.map((s) => s.reason))].sort().join('; '),
        }))
        .sort((a, b) => b.subscribe_errors - a.subscribe_errors || String(a.relay).localeCompare(String(b.relay)));
    }
    case 'subscribe-latency-per-track': {
      const time = (s: Subscribe) => s.startTime * 1000 + s.requestUs;
      const latest = Math.max(...subscribes.map(time));
      const window = subscribes.filter((s) => s.outcome === 'ok' && time(s) >= latest - 7 * DAY * 1000);
      const groups = new Map<string, Subscribe[]>();
      for (const s of window)
        groups.set(`${s.namespace}|${s.track}`, [...(groups.get(`${s.namespace}|${s.track}`) ?? []), s]);
      return [...groups.values()]
        .map((g) => ({
          namespace: g[0]?.namespace,
          track_name: g[0]?.track,
          subscribes: g.length,
          median_ms: round3(median(g.map((s) => s.latencyUs)) / 1000),
          max_ms: round3(Math.max(...g.map((s) => s.latencyUs)) / 1000),
        }))
        .sort(
          (a, b) =>
            b.median_ms - a.median_ms ||
            String(a.namespace).localeCompare(String(b.namespace)) ||
            String(a.track_name).localeCompare(String(b.track_name)),
        );
    }
    case 'ss-rate-per-stream-day': {
      const dayOf = (ms: number) => Math.floor(ms / DAY);
      const latest = Math.max(...messages.map((m) => dayOf(m.timestamp)));
      const groups = new Map<string, Message[]>();
      for (const m of messages.filter((m) => dayOf(m.timestamp) === latest)) {
        groups.set(m.streamKey, [...(groups.get(m.streamKey) ?? []), m]);
      }
      return [...groups.entries()]
        .map(([key, g]) => {
          const span = Math.max(...g.map((m) => m.timestamp)) - Math.min(...g.map((m) => m.timestamp));
          return {
            stream_key: key,
            messages: g.length,
            payload_bytes: g.reduce((n, m) => n + m.size, 0),
            messages_per_s: round3(g.length / Math.max(span / 1000, 1)),
          };
        })
        .sort((a, b) => b.payload_bytes - a.payload_bytes || a.stream_key.localeCompare(b.stream_key));
    }
    case 'errors-per-draft': {
      return [11, 14, 16].map((draft) => ({
        draft,
        files: [...traceDrafts.values()].filter((d) => d === draft).length,
        error_events: errorEvents.filter((e) => e.draft === draft).length,
        error_responses: subscribes.filter((s) => s.draft === draft && s.outcome === 'error').length,
      }));
    }
    case 'payload-bytes-per-stream': {
      const groups = new Map<string, Payload[]>();
      for (const p of payloads)
        groups.set(`${p.file}|${p.streamId}`, [...(groups.get(`${p.file}|${p.streamId}`) ?? []), p]);
      return [...groups.values()]
        .map((g) => ({
          file: g[0]?.file,
          stream_id: Number(g[0]?.streamId),
          objects: g.length,
          payload_bytes: g.reduce((n, p) => n + p.size, 0),
        }))
        .sort(
          (a, b) =>
            b.payload_bytes - a.payload_bytes ||
            String(a.file).localeCompare(String(b.file)) ||
            a.stream_id - b.stream_id,
        );
    }
    default:
      throw new Error(`no expectation for ${id}`);
  }
}

describe.each([
  ['one Parquet file per table', false],
  ['a Hive-partitioned dataset', true],
])('the five example queries on %s', (_name, partition) => {
  const tmp = tempDir();
  let db: AnalyticsDatabase;

  beforeAll(async () => {
    subscribes.length = 0;
    payloads.length = 0;
    errorEvents.length = 0;
    messages.length = 0;
    traceDrafts.clear();
    const inputs = [...makeTraces(tmp.dir), ...makeSs(tmp.dir)];
    const result = await exportRecordings(inputs, join(tmp.dir, 'dataset'), { partition });
    expect(result.errors).toBe(0);
    db = await openDataset(join(tmp.dir, 'dataset'));
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    tmp.cleanup();
  });

  it('has five questions', () => {
    expect(EXAMPLE_QUERIES.map((q) => q.id)).toHaveLength(5);
  });

  for (const query of EXAMPLE_QUERIES) {
    it(query.title, async () => {
      const want = expected(query.id);
      expect(want.length).toBeGreaterThan(1);
      const got = await rows(db, query.sql, true);
      expect(got).toEqual(want);
    });
  }
});

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTrace, type TraceEvent, type TraceHeader, writeTrace } from '@x/moqtrace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNdjson, tempDir, xtrace } from './helpers.js';

const START = 1_700_000_000_000;

function makeTrace(): { header: TraceHeader; events: TraceEvent[] } {
  const header: TraceHeader = {
    protocol: 'moq-transport-14',
    perspective: 'client',
    detail: 'headers+data',
    startTime: START,
  };
  const events: TraceEvent[] = [
    {
      type: 'control',
      seq: 0,
      timestamp: 100,
      direction: 0,
      messageType: 3,
      message: { type: 'subscribe', request_id: 1, track_namespace: ['live'], track_name: 'video' },
    },
    {
      type: 'control',
      seq: 1,
      timestamp: 900,
      direction: 1,
      messageType: 4,
      message: { type: 'subscribe_ok', request_id: 1, track_alias: 5 },
    },
    { type: 'stream-opened', seq: 2, timestamp: 1000, streamId: 3n, direction: 1, streamType: 0 },
    {
      type: 'object-header',
      seq: 3,
      timestamp: 1100,
      streamId: 3n,
      groupId: 0n,
      objectId: 0n,
      publisherPriority: 128,
      objectStatus: 0,
    },
    {
      type: 'object-payload',
      seq: 4,
      timestamp: 1200,
      streamId: 3n,
      groupId: 0n,
      objectId: 0n,
      size: 4,
      payload: new Uint8Array([0xde, 0xad, 0xbe, 0xef]),
    },
    { type: 'annotation', seq: 5, timestamp: 5000, label: 'note', data: { big: 2n ** 60n } },
  ] as TraceEvent[];
  return { header, events };
}

describe('.moqtrace commands on generated files', () => {
  const tmp = tempDir();
  const file = join(tmp.dir, 'gen.moqtrace');
  let bytes: Uint8Array;
  beforeAll(() => {
    bytes = writeTrace(makeTrace());
    writeFileSync(file, bytes);
  });
  afterAll(() => tmp.cleanup());

  it('cat prints header, event and end records with offsets, ids as strings and bytes as hex', async () => {
    const r = await xtrace(['cat', file]);
    expect(r.code).toBe(0);
    const records = parseNdjson(r.stdout);
    const trace = readTrace(bytes);
    expect(records[0]).toMatchObject({
      kind: 'header',
      format: 'moqtrace',
      segment: 0,
      offset: 0,
      protocol: 'moq-transport-14',
      startTime: START,
    });
    const events = records.filter((x) => x.kind === 'event');
    expect(events.map((e) => e.offset)).toEqual(trace.segments[0]!.eventOffsets);
    expect(Object.keys(events[0]!).slice(0, 6)).toEqual(['kind', 'offset', 'segment', 'type', 'seq', 'timestamp']);
    expect(events[2]).toMatchObject({ type: 'stream-opened', streamId: '3' });
    expect(events[4]).toMatchObject({ type: 'object-payload', payload: 'deadbeef', size: 4 });
    expect(events[5]!.data).toEqual({ big: { $bigint: String(2n ** 60n) } });
    expect(records.at(-1)).toMatchObject({ kind: 'end', state: 'eof', offset: bytes.length, complete: true });
  });

  it('filters by type, direction and time (µs relative to startTime, or ISO)', async () => {
    const seqs = async (...args: string[]) =>
      parseNdjson((await xtrace(['cat', file, '--format', 'events', ...args])).stdout).map((e) => e.seq);
    expect(await seqs('--type', 'control')).toEqual([0, 1]);
    expect(await seqs('--type', '4')).toEqual([4]);
    expect(await seqs('--direction', 'rx')).toEqual([1, 2]);
    expect(await seqs('--from', '1000', '--to', '1200')).toEqual([2, 3, 4]);
    expect(await seqs('--from', new Date(START + 1).toISOString())).toEqual([2, 3, 4, 5]);
    expect(await seqs('--limit', '2')).toEqual([0, 1]);
    const bad = await xtrace(['cat', file, '--type', 'nonsense']);
    expect(bad.code).toBe(2);
    const wrong = await xtrace(['cat', file, '--stream', 'x']);
    expect(wrong.code).toBe(2);
  });

  it('renders payloads as asked with --payload and --bytes', async () => {
    const get = async (...args: string[]) =>
      parseNdjson((await xtrace(['cat', file, '--type', 'object-payload', ...args])).stdout).find(
        (x) => x.kind === 'event',
      )!;
    expect((await get('--payload', 'base64')).payload).toBe(Buffer.from([0xde, 0xad, 0xbe, 0xef]).toString('base64'));
    expect(await get('--payload', 'none')).not.toHaveProperty('payload');
    expect((await get('--bytes', 'base64')).payload).toBe('3q2+7w==');
  });

  it('table and log formats name control messages', async () => {
    const t = await xtrace(['cat', file, '--format', 'table']);
    expect(t.stdout).toMatch(/\n\s+\d+\s+0\s+0\s+100\s+control\s+tx\s+SUBSCRIBE request_id=1 live\/video\n/);
    expect(t.stdout).toMatch(/\s+object-payload\s+stream 3 group 0 object 0 · 4 bytes <4 bytes> deadbeef\n/);
    const l = await xtrace(['cat', file, '--format', 'log', '--type', 'control']);
    expect(l.stdout).toMatch(/^\+0\.900ms \[0:1\] rx SUBSCRIBE_OK request_id=1 track_alias=5$/m);
    expect(l.stdout).not.toContain('{"');
  });

  it('info, stats (with the track table) and validate', async () => {
    const info = JSON.parse((await xtrace(['info', file, '--json'])).stdout);
    expect(info).toMatchObject({
      format: 'moqtrace',
      version: 1,
      segmentCount: 1,
      eventCount: 6,
      fileSize: bytes.length,
    });
    expect(info.counts).toEqual({
      control: 2,
      'stream-opened': 1,
      'object-header': 1,
      'object-payload': 1,
      annotation: 1,
    });
    const stats = JSON.parse((await xtrace(['stats', file, '--json'])).stdout);
    expect(stats.byMessage).toEqual({ subscribe: 1, subscribe_ok: 1 });
    expect(stats.tracks).toHaveLength(1);
    expect(stats.tracks[0]).toMatchObject({ request: 'subscribe', status: 'active', latencyMicros: 800 });
    const text = await xtrace(['stats', file]);
    expect(text.stdout).toMatch(/subscribe\s+request-id\s+1/);
    const v = await xtrace(['validate', file, '--json']);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ ok: true, problems: [] });
  });

  it('validate and cat report a truncated file with offsets and exit 1', async () => {
    const cut = join(tmp.dir, 'cut.moqtrace');
    const offsets = readTrace(bytes).segments[0]!.eventOffsets;
    writeFileSync(cut, bytes.subarray(0, offsets[3]! + 5));
    const v = await xtrace(['validate', cut]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain(`TRUNCATED at offset ${offsets[3]}`);
    const c = await xtrace(['cat', cut]);
    expect(c.code).toBe(1);
    expect(c.stderr.trim()).toMatch(new RegExp(`^xtrace: ${cut}: TRUNCATED at offset ${offsets[3]}: `));
    const records = parseNdjson(c.stdout);
    expect(records.filter((x) => x.kind === 'event')).toHaveLength(3);
    expect(records.find((x) => x.kind === 'error')).toMatchObject({ code: 'TRUNCATED', offset: offsets[3] });
    expect(records.at(-1)).toMatchObject({ kind: 'end', state: 'truncated', offset: offsets[3] });
  });

  it('convert round-trips through NDJSON and rewrites in normal form with --version', async () => {
    const nd = join(tmp.dir, 'gen.ndjson');
    const back = join(tmp.dir, 'back.moqtrace');
    expect((await xtrace(['convert', file, nd])).code).toBe(0);
    expect((await xtrace(['convert', nd, back])).code).toBe(0);
    const a = (await xtrace(['cat', file, '--format', 'events'])).stdout;
    expect((await xtrace(['cat', back, '--format', 'events'])).stdout).toBe(a);
    expect(Buffer.compare(readFileSync(back), Buffer.from(bytes))).toBe(0);
    const v2 = join(tmp.dir, 'v2.moqtrace');
    expect((await xtrace(['convert', file, v2, '--to', 'moqtrace', '--version', '2'])).code).toBe(0);
    expect(JSON.parse((await xtrace(['info', v2, '--json'])).stdout).version).toBe(2);
    expect((await xtrace(['cat', v2, '--format', 'events'])).stdout).toBe(a);
    const v1 = join(tmp.dir, 'v1.moqtrace');
    expect((await xtrace(['convert', v2, v1, '--to', 'moqtrace', '--version', 'auto'])).code).toBe(0);
    expect(JSON.parse((await xtrace(['info', v1, '--json'])).stdout).version).toBe(1);
  });

  it('hexdump annotates the preamble, header map and event boundaries', async () => {
    const r = await xtrace(['hexdump', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^00000000 {2}4d 4f 51 54 52 41 43 45 .*preamble: magic "MOQTRACE"/m);
    expect(r.stdout).toMatch(/preamble: version 1/);
    expect(r.stdout).toMatch(/header map: moq-transport-14, client, headers\+data/);
    const offsets = readTrace(bytes).segments[0]!.eventOffsets;
    for (const [i, o] of offsets.entries()) {
      expect(r.stdout).toMatch(new RegExp(`^${o.toString(16).padStart(8, '0')} .*event 0:${i} `, 'm'));
    }
  });
});

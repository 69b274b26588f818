import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSeaStreamer, writeSeaStreamer } from '@x/seastreamer-file';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, parseNdjson, tempDir, xtrace } from './helpers.js';

const BASE = 1_700_000_000_000;

function generate(count: number, interval: number): Uint8Array {
  const messages = [];
  for (let i = 0; i < count; i++) {
    const key = ['alpha', 'beta', 'gamma'][i % 3]!;
    const payload =
      i % 7 === 3 ? new Uint8Array([0xff, 0xfe, i & 0xff, 0x0d]) : `${key}-${i} ${'x'.repeat((i * 37) % 200)}`;
    messages.push({
      streamKey: key,
      shardId: BigInt(i % 2),
      seqNo: BigInt(i),
      timestamp: BigInt(BASE + i * 10),
      payload,
    });
  }
  return writeSeaStreamer(messages, {
    fileName: 'gen.ss',
    beaconInterval: interval,
    createdAt: BASE,
    eos: BigInt(BASE + 99_999),
  });
}

describe('.ss commands on generated files', () => {
  const tmp = tempDir();
  const file = join(tmp.dir, 'gen.ss');
  let bytes: Uint8Array;
  beforeAll(() => {
    bytes = generate(300, 1024);
    writeFileSync(file, bytes);
  });
  afterAll(() => tmp.cleanup());

  it('cat --format ndjson follows the record contract', async () => {
    const r = await xtrace(['cat', file]);
    expect(r.code).toBe(0);
    const records = parseNdjson(r.stdout);
    const contents = readSeaStreamer(bytes);
    expect(records[0]).toMatchObject({
      kind: 'header',
      format: 'ss',
      version: 1,
      fileName: 'gen.ss',
      createdAtMs: BASE,
      beaconInterval: 1024,
    });
    const messages = records.filter((x) => x.kind === 'message');
    expect(messages).toHaveLength(contents.messages.length);
    const binary = messages[3]!;
    expect(binary).toMatchObject({
      streamKey: 'alpha',
      seqNo: 3,
      payloadEncoding: 'hex',
      payload: 'fffe030d',
      payloadSize: 4,
      eos: false,
    });
    expect(Object.keys(messages[0]!)).toEqual([
      'kind',
      'offset',
      'streamKey',
      'shardId',
      'seqNo',
      'timestampMs',
      'timestamp',
      'payloadSize',
      'checksum',
      'payload',
      'payloadEncoding',
      'eos',
    ]);
    expect(messages[0]!.timestamp).toBe(new Date(BASE).toISOString());
    expect(messages.at(-1)).toMatchObject({ streamKey: 'SEA_STREAMER_INTERNAL', eos: true });
    expect(records.at(-1)).toEqual({ kind: 'end', state: 'eos', offset: bytes.length });
    expect(records.filter((x) => x.kind === 'beacon')).toHaveLength(0);
  });

  it('filters by stream, shard, time and limit; renders payload modes; prints beacons', async () => {
    const r = await xtrace([
      'cat',
      file,
      '--stream',
      'beta',
      '--shard',
      '0',
      '--from',
      String(BASE + 500),
      '--to',
      new Date(BASE + 1500).toISOString(),
      '--payload',
      'base64',
    ]);
    const messages = parseNdjson(r.stdout).filter((x) => x.kind === 'message');
    const expected = readSeaStreamer(bytes).messages.filter(
      (m) =>
        m.streamKey === 'beta' &&
        m.shardId === 0n &&
        m.timestamp >= BigInt(BASE + 500) &&
        m.timestamp <= BigInt(BASE + 1500),
    );
    expect(messages.map((m) => m.seqNo)).toEqual(expected.map((m) => Number(m.seqNo)));
    expect(messages[0]!.payloadEncoding).toBe('base64');
    expect(Buffer.from(messages[0]!.payload as string, 'base64')).toEqual(Buffer.from(expected[0]!.payload));
    const limited = parseNdjson((await xtrace(['cat', file, '--limit', '5', '--payload', 'none'])).stdout);
    expect(limited.filter((x) => x.kind === 'message')).toHaveLength(5);
    expect(limited.find((x) => x.kind === 'message')).not.toHaveProperty('payload');
    const withBeacons = parseNdjson((await xtrace(['cat', file, '--beacons'])).stdout);
    const beacons = withBeacons.filter((x) => x.kind === 'beacon');
    expect(beacons.length).toBe(Math.floor(bytes.length / 1024));
    expect(beacons[0]).toMatchObject({ offset: 1024, index: 1 });
    const json = JSON.parse((await xtrace(['cat', file, '--format', 'json', '--limit', '2'])).stdout) as unknown[];
    expect(json).toHaveLength(4);
    const log = await xtrace(['cat', file, '--format', 'log', '--limit', '2']);
    expect(log.stdout).toContain('alpha/0 #0 alpha-0');
    const table = await xtrace(['cat', file, '--format', 'table', '--limit', '2']);
    expect(table.stdout).toMatch(/OFFSET\s+TIMESTAMP\s+STREAM/);
  });

  it('rejects .moqtrace-only options on a .ss file', async () => {
    const r = await xtrace(['cat', file, '--type', 'control']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--type applies to \.moqtrace/);
  });

  it('seek finds the first matching message through the beacons', async () => {
    const r = await xtrace(['seek', file, '--stream', 'gamma', '--shard', '1', '--seq', '150', '--verbose']);
    expect(r.code).toBe(0);
    const [found] = parseNdjson(r.stdout);
    const first = readSeaStreamer(bytes).messages.find(
      (m) => m.streamKey === 'gamma' && m.shardId === 1n && m.seqNo >= 150n,
    )!;
    expect(found).toMatchObject({ offset: first.offset, seqNo: Number(first.seqNo) });
    expect(r.stderr).toMatch(/\d+ beacons read/);
    const byTime = parseNdjson(
      (await xtrace(['seek', file, '--stream', 'alpha', '--shard', '0', '--time', String(BASE + 1000), '--limit', '2']))
        .stdout,
    );
    expect(byTime).toHaveLength(2);
    expect(byTime[0]!.timestampMs as number).toBeGreaterThan(BASE + 1000);
    const none = await xtrace(['seek', file, '--stream', 'alpha', '--seq', '100000']);
    expect(none.code).toBe(1);
    expect(none.stderr.trim()).toBe(`xtrace: ${file}: OUT_OF_RANGE: no message of alpha/0 with seq >= 100000`);
    const both = await xtrace(['seek', file, '--stream', 'alpha', '--seq', '1', '--time', '5']);
    expect(both.code).toBe(2);
  });

  it('convert round-trips .ss -> NDJSON -> .ss byte for byte and re-writes with another interval', async () => {
    const nd = join(tmp.dir, 'gen.ndjson');
    const back = join(tmp.dir, 'back.ss');
    expect((await xtrace(['convert', file, nd])).code).toBe(0);
    expect((await xtrace(['convert', nd, back])).code).toBe(0);
    expect(Buffer.compare(readFileSync(back), Buffer.from(bytes))).toBe(0);
    const re = join(tmp.dir, 're.ss');
    expect((await xtrace(['convert', file, re, '--to', 'ss', '--interval', '4096'])).code).toBe(0);
    const a = readSeaStreamer(bytes);
    const b = readSeaStreamer(new Uint8Array(readFileSync(re)));
    expect(b.header.beaconInterval).toBe(4096);
    expect(b.messages.map((m) => [m.streamKey, m.seqNo, Buffer.from(m.payload).toString('hex')])).toEqual(
      a.messages.map((m) => [m.streamKey, m.seqNo, Buffer.from(m.payload).toString('hex')]),
    );
    const viaStdout = await xtrace(['convert', nd, '-', '--to', 'ss']);
    expect(Buffer.compare(viaStdout.stdoutBytes, Buffer.from(bytes))).toBe(0);
  });

  it('write appends stdin lines, continues sequence numbers and ends with --eos', async () => {
    const out = join(tmp.dir, 'written.ss');
    expect(
      (await xtrace(['write', out, '--stream', 'log', '--interval', '256'], { input: 'one\ntwo\nthree\n' })).code,
    ).toBe(0);
    expect((await xtrace(['write', out, '--stream', 'log', '--eos'], { input: 'four\n' })).code).toBe(0);
    const c = readSeaStreamer(new Uint8Array(readFileSync(out)));
    expect(c.header.beaconInterval).toBe(256);
    expect(c.messages.map((m) => [m.seqNo, Buffer.from(m.payload).toString()])).toEqual([
      [0n, 'one'],
      [1n, 'two'],
      [2n, 'three'],
      [3n, 'four'],
      [0n, 'EOS'],
    ]);
    expect(c.end.state).toBe('eos');
    const bad = await xtrace(['write', join(tmp.dir, 'bad.ss'), '--stream', 'no spaces'], { input: 'x\n' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/INVALID_STREAM_KEY/);
  });

  it('write --ndjson takes the records of cat', async () => {
    const out = join(tmp.dir, 'copy.ss');
    const records = (await xtrace(['cat', file, '--limit', '10'])).stdout;
    const r = await xtrace(['write', out, '--ndjson'], { input: records });
    expect(r.code).toBe(0);
    const c = readSeaStreamer(new Uint8Array(readFileSync(out)));
    const src = readSeaStreamer(bytes).messages.slice(0, 10);
    expect(c.messages.map((m) => [m.streamKey, m.shardId, m.seqNo, m.timestamp])).toEqual(
      src.map((m) => [m.streamKey, m.shardId, m.seqNo, m.timestamp]),
    );
  });

  it("validate reports the library's decoration warnings (terminator, beacon delimiters, header padding)", async () => {
    const contents = readSeaStreamer(bytes);
    const frame = contents.messages[5]!;
    const beacon = contents.beacons[2]!;
    const damaged = bytes.slice();
    damaged[40] = 0x01; // header padding
    damaged[frame.endOffset - 1] = 0x0a; // terminator
    damaged[beacon.offset + beacon.size - 1] = 0x00; // beacon tail
    const path = join(tmp.dir, 'decoration.ss');
    writeFileSync(path, damaged);
    const r = await xtrace(['validate', path]);
    expect(r.code).toBe(0); // warnings only
    expect(r.stdout).toContain('BAD_HEADER_PADDING at offset 40: header byte 40 is 0x01, expected 0x00');
    expect(r.stdout).toMatch(
      new RegExp(`BAD_TERMINATOR at offset ${frame.offset}: .*byte ${frame.endOffset - 1}.* is 0x0a.*\\(warning\\)`),
    );
    expect(r.stdout).toMatch(new RegExp(`BAD_BEACON_DELIMITER at offset ${beacon.offset}: .*0x0d/0x00.*\\(warning\\)`));
    expect(r.stdout).toMatch(/decoration\.ss: ok, 3 warnings \(ss, \d+ messages, \d+ beacons, end: eos/);
    const json = JSON.parse((await xtrace(['validate', path, '--json'])).stdout);
    expect(json.ok).toBe(true);
    expect(
      json.problems.map((p: { code: string; severity: string; offset: number }) => [p.code, p.severity, p.offset]),
    ).toEqual([
      ['BAD_HEADER_PADDING', 'warning', 40],
      ['BAD_TERMINATOR', 'warning', frame.offset],
      ['BAD_BEACON_DELIMITER', 'warning', beacon.offset],
    ]);
    // The same problems are warnings for cat too: the output is complete and the exit status 0.
    const cat = await xtrace(['cat', path, '--format', 'ndjson']);
    expect(cat.code).toBe(0);
    expect(parseNdjson(cat.stdout).filter((rec) => rec.kind === 'message').length).toBe(contents.messages.length);
    const clean = await xtrace(['validate', file, '--json']);
    expect(JSON.parse(clean.stdout)).toMatchObject({ ok: true, problems: [] });
  });

  it('hexdump annotates header fields, frames, beacons and splices', async () => {
    const r = await xtrace(['hexdump', file, '--offset', '0', '--length', '2048']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^00000000 {2}53 73 .*header: magic "Ss"/m);
    expect(r.stdout).toMatch(/header: beacon interval 1024/);
    expect(r.stdout).toMatch(/^00000080 .*message #0 alpha\/0 seq 0: key "alpha"/m);
    expect(r.stdout).toMatch(/^00000400 {2}0d .*beacon #1: R=\d+/m);
    expect(r.stdout).toMatch(/spliced by 1 beacon/);
    const lines = r.stdout.trim().split('\n');
    const last = lines.at(-1)!;
    expect(Number.parseInt(last.slice(0, 8), 16)).toBeLessThan(2048);
  });

  it('exits quietly with 0 when the reader of stdout goes away (EPIPE)', async () => {
    const big = join(tmp.dir, 'big.ss');
    writeFileSync(big, generate(20000, 65536));
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'cat', big, '--format', 'ndjson'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('close', (c) => {
        expect(stderr).toBe('');
        resolve(c);
      });
    });
    expect(code).toBe(0);
  });
});

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeFrame, encodeSeaStreamerHeader, readSeaStreamer, writeSeaStreamer } from '@x/seastreamer-file';
import { afterAll, describe, expect, it } from 'vitest';
import { noStackTrace, tempDir, xtrace } from './helpers.js';

const bytes = writeSeaStreamer(
  Array.from({ length: 6 }, (_, i) => ({
    streamKey: 'k',
    shardId: 0n,
    seqNo: BigInt(i),
    timestamp: 1_700_000_000_000n + BigInt(i),
    payload: i === 2 ? new Uint8Array([0xff, 0x00]) : `message ${i}`,
  })),
  { fileName: 'safe.ss', beaconInterval: 256, createdAt: 1_700_000_000_000n, eos: 1_700_000_000_100n },
);

describe('convert NDJSON to .ss: nothing dropped or altered silently, no half-written output', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const source = join(tmp.dir, 'source.ss');
  const records = join(tmp.dir, 'records.ndjson');
  let lines: string[] = [];

  it('the records of cat round-trip byte for byte', async () => {
    writeFileSync(source, bytes);
    expect((await xtrace(['convert', source, records])).code).toBe(0);
    lines = readFileSync(records, 'utf8').trimEnd().split('\n');
    const out = join(tmp.dir, 'back.ss');
    expect((await xtrace(['convert', records, out])).code).toBe(0);
    expect(Buffer.compare(readFileSync(out), Buffer.from(bytes))).toBe(0);
  });

  const damage: Array<[string, (line: string) => string, RegExp]> = [
    [
      'an invalid base64 payload',
      (l) => l.replace(/"payload":"[^"]*","payloadEncoding":"utf8"/, '"payload":"%%%","payloadEncoding":"base64"'),
      /not valid base64/,
    ],
    [
      'an unknown payloadEncoding',
      (l) => l.replace('"payloadEncoding":"utf8"', '"payloadEncoding":"utf-16"'),
      /unknown payloadEncoding/,
    ],
    ['a misspelt kind', (l) => l.replace('"kind":"message"', '"kind":"mesage"'), /unknown record kind "mesage"/],
    ['an empty object', () => '{}', /no "kind"/],
    ['too deep nesting', () => `${'['.repeat(5000)}${']'.repeat(5000)}`, /nested deeper than 64 levels/],
    ['an invalid stream key', (l) => l.replace('"streamKey":"k"', '"streamKey":"k k"'), /INVALID_STREAM_KEY/],
  ];

  it.each(damage)('%s: exit 1, INVALID_NDJSON at its line, no output file', async (_name, change, reason) => {
    const changed = [...lines];
    changed[4] = change(changed[4]!);
    expect(changed[4]).not.toBe(lines[4]);
    const input = join(tmp.dir, 'damaged.ndjson');
    writeFileSync(input, `${changed.join('\n')}\n`);
    const out = join(tmp.dir, 'never.ss');
    const r = await xtrace(['convert', input, out]);
    expect(r.code).toBe(1);
    const offset = Buffer.byteLength(`${changed.slice(0, 4).join('\n')}\n`);
    expect(r.stderr).toMatch(
      new RegExp(`^xtrace: ${input.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: INVALID_NDJSON at line 5: `),
    );
    expect(r.stderr).toMatch(reason);
    expect(r.stderr).toContain(`(byte ${offset})`);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(noStackTrace(r.stderr)).toBe(true);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a failed conversion leaves an existing output file as it was', async () => {
    const out = join(tmp.dir, 'existing.ss');
    writeFileSync(out, 'previous contents');
    const input = join(tmp.dir, 'bad-key.ndjson');
    writeFileSync(
      input,
      `${lines.map((l, i) => (i === 2 ? l.replace('"streamKey":"k"', '"streamKey":"k/"') : l)).join('\n')}\n`,
    );
    expect((await xtrace(['convert', input, out])).code).toBe(1);
    expect(readFileSync(out, 'utf8')).toBe('previous contents');
  });

  it('--skip-invalid-lines: reports each skipped line (exit 1) and writes the others', async () => {
    const changed = [...lines];
    changed[2] = '{}';
    changed[4] = changed[4]!.replace('"kind":"message"', '"kind":"mesage"');
    const input = join(tmp.dir, 'skip.ndjson');
    writeFileSync(input, `${changed.join('\n')}\n`);
    const out = join(tmp.dir, 'skipped.ss');
    const r = await xtrace(['convert', input, out, '--skip-invalid-lines']);
    expect(r.code).toBe(1);
    const reported = r.stderr.trim().split('\n');
    expect(reported).toHaveLength(2);
    expect(reported[0]).toMatch(/INVALID_NDJSON at line 3: .*no "kind"/);
    expect(reported[1]).toMatch(/INVALID_NDJSON at line 5: .*unknown record kind/);
    const read = readSeaStreamer(new Uint8Array(readFileSync(out)));
    expect(read.messages.map((m) => m.seqNo)).toEqual([0n, 2n, 4n, 5n, 0n]);
  });

  it('accepts a UTF-8 byte order mark', async () => {
    const input = join(tmp.dir, 'bom.ndjson');
    writeFileSync(input, `\ufeff${lines.join('\n')}\n`);
    const out = join(tmp.dir, 'bom.ss');
    expect((await xtrace(['convert', input, out])).code).toBe(0);
    expect(Buffer.compare(readFileSync(out), Buffer.from(bytes))).toBe(0);
  });

  it('.ss to .ss: a message the writer refuses (an invalid key) is exit 1 and leaves no file', async () => {
    const header = encodeSeaStreamerHeader({ fileName: 'bad.ss', beaconInterval: 1024, createdAt: 0 });
    const frames = [
      encodeFrame('ok', 0n, 1n, 2n, new Uint8Array(3)),
      encodeFrame('bad key', 0n, 2n, 3n, new Uint8Array(3)),
    ];
    const input = join(tmp.dir, 'bad-key.ss');
    writeFileSync(input, Buffer.concat([header, ...frames]));
    const out = join(tmp.dir, 'rewritten.ss');
    const r = await xtrace(['convert', input, out, '--to', 'ss', '--interval', '4096']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/INVALID_STREAM_KEY/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

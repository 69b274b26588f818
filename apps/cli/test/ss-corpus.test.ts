import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpus, parseNdjson, xtrace } from './helpers.js';

const ss = corpus('seastreamer');

interface ExpectedMessage {
  offset: number;
  streamKey: string;
  shardId: number | string;
  seqNo: number | string;
  timestampMs: number | string;
  timestamp: string;
  payloadSize: number;
  checksum: number;
  payload?: string;
  payloadEncoding: string;
  isEos: boolean;
}

interface Expected {
  error?: string;
  fileSize: number;
  header?: { fileName: string; createdAtMs: number; beaconInterval: number };
  messages?: ExpectedMessage[];
  beacons?: { offset: number; size?: number; truncated?: boolean }[];
  end?: { offset: number; trailingBytes: number };
}

describe.skipIf(!ss.present)(`.ss conformance corpus (${ss.dir})`, () => {
  const names = ss.present
    ? readdirSync(ss.dir)
        .filter((f) => f.endsWith('.ss'))
        .map((f) => f.slice(0, -3))
    : [];
  const expected = (name: string): Expected => JSON.parse(readFileSync(join(ss.dir, `${name}.expected.json`), 'utf8'));

  it.each(names)('cat --format ndjson matches %s.expected.json', async (name) => {
    const exp = expected(name);
    const r = await xtrace(['cat', join(ss.dir, `${name}.ss`), '--format', 'ndjson']);
    if (exp.error) {
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
      return;
    }
    const records = parseNdjson(r.stdout);
    expect(records[0]).toMatchObject({
      kind: 'header',
      format: 'ss',
      offset: 0,
      fileName: exp.header!.fileName,
      createdAtMs: exp.header!.createdAtMs,
      beaconInterval: exp.header!.beaconInterval,
    });
    const messages = records.filter((x) => x.kind === 'message');
    expect(messages).toHaveLength(exp.messages!.length);
    exp.messages!.forEach((m, i) => {
      const got = messages[i]!;
      expect(got).toMatchObject({
        offset: m.offset,
        streamKey: m.streamKey,
        shardId: m.shardId,
        seqNo: m.seqNo,
        timestampMs: m.timestampMs,
        timestamp: m.timestamp,
        payloadSize: m.payloadSize,
        checksum: m.checksum,
        eos: m.isEos,
      });
      if (m.payload !== undefined) {
        // the same bytes; shown as text only when printable (valid UTF-8, no control character but tab, newline and CR)
        const bytes = Buffer.from(m.payload, m.payloadEncoding === 'hex' ? 'hex' : 'utf8');
        expect(Buffer.from(got.payload as string, got.payloadEncoding === 'hex' ? 'hex' : 'utf8')).toEqual(bytes);
        const printable =
          m.payloadEncoding === 'utf8' &&
          ![...m.payload].some((ch) => {
            const code = ch.codePointAt(0) as number;
            return (code < 0x20 && ch !== '\t' && ch !== '\n' && ch !== '\r') || (code >= 0x7f && code <= 0x9f);
          });
        expect(got.payloadEncoding).toBe(printable ? 'utf8' : 'hex');
      }
    });
    const end = records.at(-1)!;
    expect(end.kind).toBe('end');
    expect(end.offset).toBe(exp.end!.offset);
    // trailing bytes are truncation unless they are exactly one complete beacon (interval 128, empty file)
    const tail = exp.end!.trailingBytes;
    const truncated =
      tail > 0 && !exp.beacons!.some((b) => !b.truncated && b.offset === exp.end!.offset && b.size === tail);
    expect(end.state === 'truncated').toBe(truncated);
    const bad = exp.messages!.some((m) => !(m as unknown as { checksumOk: boolean }).checksumOk);
    expect(r.code).toBe(truncated || bad ? 1 : 0);
  });

  it.each(names)('info --json agrees with %s.expected.json', async (name) => {
    const exp = expected(name);
    const r = await xtrace(['info', join(ss.dir, `${name}.ss`), '--json']);
    if (exp.error) {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^xtrace: .*: (UNKNOWN_FORMAT|UNSUPPORTED_VERSION|TRUNCATED) at offset \d+: /);
      return;
    }
    const info = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(info).toMatchObject({
      format: 'ss',
      version: 1,
      fileSize: exp.fileSize,
      beaconInterval: exp.header!.beaconInterval,
      messageCount: exp.messages!.length,
      beaconCount: exp.beacons!.filter((b) => !b.truncated).length,
      eos: exp.messages!.at(-1)?.isEos === true,
    });
    expect((info.header as Record<string, unknown>).fileName).toBe(exp.header!.fileName);
    expect((info.end as Record<string, unknown>).offset).toBe(exp.end!.offset);
  });

  const golden = ss.present
    ? readdirSync(ss.dir).filter((f) => /\.ss-decode\.(log|ndjson|header-only\.ndjson)$/.test(f))
    : [];
  it.each(golden)('reproduces the reference decoder output %s byte for byte', async (file) => {
    const name = file.slice(0, file.indexOf('.ss-decode.'));
    const kind = file.slice(name.length + '.ss-decode.'.length);
    const args = ['cat', join(ss.dir, `${name}.ss`), '--format', kind === 'log' ? 'ss-decode-log' : 'ss-decode-ndjson'];
    if (kind === 'header-only.ndjson') args.push('--payload', 'none');
    const r = await xtrace(args);
    expect(r.code).toBe(0);
    expect(r.stdoutBytes.equals(readFileSync(join(ss.dir, file)))).toBe(true);
  });

  it('validate passes clean files and flags the damaged ones with their offsets', async () => {
    const r = await xtrace(['validate', join(ss.dir, 'consumer.ss'), join(ss.dir, 'rs-interval-1024.bad-checksum.ss')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('consumer.ss: ok');
    expect(r.stdout).toMatch(/bad-checksum\.ss: CHECKSUM_MISMATCH at offset \d+: .*received 60375, computed 38939/);
    const clean = await xtrace(['validate', join(ss.dir, 'rs-appended.ss')]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/RUNNING_CHECKSUM_MISMATCH at offset 2048: .*\(warning\)/);
  });
});

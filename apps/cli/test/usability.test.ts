import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMemorySink } from '@x/binary';
import { type TraceEvent, writeTrace } from '@x/moqtrace';
import {
  createSeaStreamerWriter,
  encodeFrame,
  encodeSeaStreamerHeader,
  planAppend,
  readSeaStreamer,
  writeSeaStreamer,
} from '@x/seastreamer-file';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNdjson, tempDir, xtrace } from './helpers.js';

// Issue 12, the CLI section: what a new user tripped over, each with its output and exit code.

const START = 1_700_000_000_000;
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function ssFile(count: number, interval = 1024, eos = true): Uint8Array {
  return writeSeaStreamer(
    Array.from({ length: count }, (_, i) => ({
      streamKey: ['alpha', 'beta'][i % 2]!,
      shardId: BigInt(i % 2),
      seqNo: BigInt(i >> 1),
      timestamp: BigInt(START + i),
      payload: i === 3 ? new Uint8Array([0x68, 0x00, 0x69]) : `text ${i}\twith tab`,
    })),
    {
      fileName: 'u.ss',
      beaconInterval: interval,
      createdAt: BigInt(START),
      ...(eos ? { eos: BigInt(START + count) } : {}),
    },
  );
}

function moqFile(): Uint8Array {
  return writeTrace({
    header: { protocol: 'moq-transport-14', perspective: 'client', detail: 'headers+data', startTime: START },
    events: [
      {
        type: 'control',
        seq: 0,
        timestamp: 10,
        direction: 0,
        messageType: 32,
        message: { type: 'client_setup', supported_versions: [4278190094] },
      },
      {
        type: 'control',
        seq: 1,
        timestamp: 100,
        direction: 0,
        messageType: 3,
        message: { type: 'subscribe', request_id: 1, track_namespace: ['live'], track_name: 'video' },
      },
      {
        type: 'object-payload',
        seq: 2,
        timestamp: 200,
        streamId: 3n,
        groupId: 0n,
        objectId: 0n,
        size: 5,
        payload: new TextEncoder().encode('hello'),
      },
      {
        type: 'object-payload',
        seq: 3,
        timestamp: 300,
        streamId: 3n,
        groupId: 0n,
        objectId: 1n,
        size: 2,
        payload: new Uint8Array([0x00, 0xff]),
      },
    ] as TraceEvent[],
  });
}

describe('xtrace usability', () => {
  const tmp = tempDir();
  const ss = join(tmp.dir, 'u.ss');
  const moq = join(tmp.dir, 'u.moqtrace');
  beforeAll(() => {
    writeFileSync(ss, ssFile(10));
    writeFileSync(moq, moqFile());
  });
  afterAll(() => tmp.cleanup());

  it('convert takes the output format from --to, else from the name, and refuses to guess', async () => {
    const formats: [string, (b: Buffer) => boolean][] = [
      ['a.moqtrace', (b) => b.subarray(0, 8).toString() === 'MOQTRACE'],
      ['a.ndjson', (b) => b.toString().startsWith('{"kind":"header"')],
      ['a.jsonl', (b) => b.toString().startsWith('{"kind":"header"')],
      ['a.sqlog', (b) => b[0] === 0x1e],
      ['a.qlog', (b) => JSON.parse(b.toString()).traces !== undefined],
    ];
    for (const [name, check] of formats) {
      const out = join(tmp.dir, name);
      const r = await xtrace(['convert', moq, out]);
      expect(r.code, name).toBe(0);
      expect(check(readFileSync(out)), name).toBe(true);
    }
    const toSs = join(tmp.dir, 'b.ss');
    expect((await xtrace(['convert', ss, toSs, '--interval', '512'])).code).toBe(0);
    expect(readSeaStreamer(new Uint8Array(readFileSync(toSs))).header.beaconInterval).toBe(512);
    for (const [args, message] of [
      [
        [moq, join(tmp.dir, 'a.bin')],
        /cannot tell the output format from the name ".*a\.bin" \(\.bin\): name it .* or give --to/,
      ],
      [[moq, join(tmp.dir, 'noext')], /\(no extension\)/],
      [[moq, join(tmp.dir, 'a.json')], /\(\.json\)/],
      [[moq, '-'], /writing to stdout \(-\): give the output format with --to/],
      [[ss, join(tmp.dir, 'c.moqtrace')], /a \.ss file converts to ndjson, ss, not moqtrace/],
    ] as const) {
      const r = await xtrace(['convert', ...args]);
      expect(r.code, args[1]).toBe(2);
      expect(r.stderr.trim(), args[1]).toMatch(new RegExp(`^xtrace: .*USAGE: .*${message.source}`));
    }
    expect(existsSync(join(tmp.dir, 'a.bin'))).toBe(false);
    const stdout = await xtrace(['convert', moq, '-', '--to', 'ndjson']);
    expect(parseNdjson(stdout.stdout)[0]).toMatchObject({ kind: 'header', format: 'moqtrace' });
  });

  it('info and stats report the problems met and exit 1, the same for both formats', async () => {
    const bytes = ssFile(10);
    const first = readSeaStreamer(bytes).messages[2]!;
    const damaged = bytes.slice();
    damaged[first.endOffset - 3] ^= 0xff; // a checksum byte
    const bad = join(tmp.dir, 'bad.ss');
    writeFileSync(bad, damaged);
    const cut = join(tmp.dir, 'cut.moqtrace');
    const m = moqFile();
    writeFileSync(cut, m.subarray(0, m.length - 3));
    for (const [file, code] of [
      [bad, 'CHECKSUM_MISMATCH'],
      [cut, 'TRUNCATED'],
    ] as const) {
      for (const command of ['info', 'stats']) {
        const r = await xtrace([command, file]);
        expect(r.code, `${command} ${file}`).toBe(1);
        expect(r.stderr.trim(), `${command} ${file}`).toMatch(
          new RegExp(`^xtrace: ${escapeRe(file)}: ${code} at offset \\d+: `),
        );
        expect(r.stdout, `${command} ${file}`).toMatch(/1 error/);
        const json = JSON.parse((await xtrace([command, file, '--json'])).stdout);
        expect(json.problems).toEqual({ errors: 1, warnings: 0 });
      }
    }
  });

  it('validate gives every file its line on stdout, also those that cannot be read', async () => {
    const unknown = join(tmp.dir, 'noise.bin');
    writeFileSync(unknown, 'SS\u0001 almost a .ss file');
    const missing = join(tmp.dir, 'missing.ss');
    const r = await xtrace(['validate', unknown, missing, ss]);
    expect(r.code).toBe(2);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toEqual([
      `${unknown}: UNKNOWN_FORMAT at offset 0: not a .ss, .moqtrace or qlog file, nor NDJSON records: it starts with 53 53 01 20 61 6c 6d 6f … ("SS\\x01 almo"…); expected "Ss\\x01" (.ss), "MOQTRACE" (.moqtrace) or qlog JSON`,
      `${unknown}: 1 problem (unreadable)`,
      `${missing}: IO_ERROR: no such file or directory`,
      `${missing}: 1 problem (unreadable)`,
      `${ss}: ok (ss, 11 messages, 0 beacons, end: eos at offset ${readFileSync(ss).length})`,
    ]);
  });

  it('table and log output summarise events like a packet analyser and name MoQT versions', async () => {
    const table = await xtrace(['cat', moq, '--format', 'table']);
    expect(table.stdout).toMatch(/control\s+tx\s+CLIENT_SETUP versions=0xff00000e \(draft-14\)\n/);
    expect(table.stdout).toMatch(/control\s+tx\s+SUBSCRIBE request_id=1 live\/video\n/);
    const info = await xtrace(['info', moq]);
    expect(info.stdout).toMatch(/^protocol +moq-transport-14 \(draft-14\)$/m);
    const stats = await xtrace(['stats', moq]);
    expect(stats.stdout.split('\n')[0]).toBe(`${moq}: 4 events, 1 segment, draft-14; no problems`);
  });

  it('--limit ends with state "limit" where reading stopped, for every format', async () => {
    const s = parseNdjson((await xtrace(['cat', ss, '--limit', '3'])).stdout);
    const messages = readSeaStreamer(new Uint8Array(readFileSync(ss))).messages;
    expect(s.filter((r) => r.kind === 'message')).toHaveLength(3);
    expect(s.at(-1)).toEqual({ kind: 'end', state: 'limit', offset: messages[3]!.offset });
    const m = parseNdjson((await xtrace(['cat', moq, '--limit', '2'])).stdout);
    expect(m.filter((r) => r.kind === 'event')).toHaveLength(2);
    expect(m.at(-1)).toMatchObject({ kind: 'end', state: 'limit', events: 2, segments: 1 });
    const sq = join(tmp.dir, 'l.sqlog');
    await xtrace(['convert', moq, sq]);
    const q = parseNdjson((await xtrace(['cat', sq, '--limit', '1'])).stdout);
    expect(q.at(-1)).toMatchObject({ kind: 'end', state: 'limit', events: 1 });
  });

  it('one footer shape, with correct plurals, for every format', async () => {
    const one = join(tmp.dir, 'one.ss');
    writeFileSync(one, ssFile(1, 1024, false));
    const s = await xtrace(['cat', one, '--format', 'log']);
    expect(s.stdout.trim().split('\n').at(-1)).toBe(
      `# end: eof at offset ${readFileSync(one).length}, 1 message, 0 beacons; no problems`,
    );
    const m = await xtrace(['cat', moq, '--format', 'table']);
    expect(m.stdout.trim().split('\n').at(-1)).toBe(
      `# end: eof at offset ${readFileSync(moq).length}, 1 segment, 4 events; no problems`,
    );
    const v = await xtrace(['validate', one]);
    expect(v.stdout).toMatch(/: ok \(ss, 1 message, 0 beacons, end: eof at offset \d+\)/);
  });

  it('hexdump --offset past the end says so (exit 2)', async () => {
    const size = readFileSync(ss).length;
    const r = await xtrace(['hexdump', ss, '--offset', String(size + 10)]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(
      `xtrace: ${ss}: OUT_OF_RANGE: --offset ${size + 10} is past the end of the file (${size} bytes: offsets 0 to ${size - 1})`,
    );
    const last = await xtrace(['hexdump', ss, '--offset', String(size - 1)]);
    expect(last.code).toBe(0);
    expect(last.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('cat --stream and seek --stream on a stream that is not in the file name the ones that are (exit 2)', async () => {
    const c = await xtrace(['cat', ss, '--stream', 'nope']);
    expect(c.code).toBe(2);
    expect(c.stderr.trim()).toBe(
      `xtrace: ${ss}: NO_SUCH_STREAM: no stream "nope" in the file; the file has alpha/0, beta/1, SEA_STREAMER_INTERNAL/0 (stream/shard)`,
    );
    const shard = await xtrace(['cat', ss, '--stream', 'alpha', '--shard', '7']);
    expect(shard.stderr).toMatch(/NO_SUCH_STREAM: stream "alpha" has no shard 7; the file has alpha\/0/);
    const s = await xtrace(['seek', ss, '--stream', 'nope', '--seq', '1']);
    expect(s.code).toBe(2);
    expect(s.stderr.trim()).toBe(c.stderr.trim());
    const found = await xtrace(['seek', ss, '--stream', 'beta', '--shard', '1', '--seq', '2']);
    expect(found.code).toBe(0);
    expect(parseNdjson(found.stdout)[0]).toMatchObject({ streamKey: 'beta', seqNo: 2 });
  });

  it('--payload auto: text only when valid UTF-8 without control characters but tab and newline, both formats', async () => {
    const s = parseNdjson((await xtrace(['cat', ss])).stdout).filter((r) => r.kind === 'message');
    expect(s[0]).toMatchObject({ payload: 'text 0\twith tab', payloadEncoding: 'utf8' });
    expect(s[3]).toMatchObject({ payload: '680069', payloadEncoding: 'hex' });
    const m = parseNdjson((await xtrace(['cat', moq, '--type', 'object-payload'])).stdout).filter(
      (r) => r.kind === 'event',
    );
    expect(m[0]).toMatchObject({ payload: 'hello', payloadEncoding: 'utf8' });
    expect(m[1]).toMatchObject({ payload: '00ff' });
    expect(m[1]).not.toHaveProperty('payloadEncoding');
    // the canonical rendering stays hex, and cat's records convert back
    const events = parseNdjson((await xtrace(['cat', moq, '--format', 'events'])).stdout);
    expect(events[2]).toMatchObject({ payload: '68656c6c6f' });
    const records = join(tmp.dir, 'cat.ndjson');
    writeFileSync(records, (await xtrace(['cat', moq, '--payload', 'base64'])).stdout);
    const back = join(tmp.dir, 'back.moqtrace');
    expect((await xtrace(['convert', records, back])).code).toBe(0);
    expect(readFileSync(back).equals(readFileSync(moq))).toBe(true);
    const log = await xtrace(['cat', ss, '--format', 'log']);
    expect(log.stdout).toMatch(/alpha\/0 #0 text 0→with tab\n/);
    expect(log.stdout).toMatch(/beta\/1 #1 <3 bytes> 680069\n/);
  });

  it('convert warns that a file written by more than one writer session cannot come back byte-identical', async () => {
    // a second writer session that restarts the running checksums, as the reference writer does on append
    const first = ssFile(20, 1024, false);
    const plan = await planAppend(first);
    const sink = createMemorySink();
    sink.write(first.subarray(0, plan.resume.offset));
    const second = createSeaStreamerWriter(sink, { resume: { ...plan.resume, streams: [] } });
    for (let i = 0; i < 30; i++) {
      second.write({
        streamKey: 'alpha',
        shardId: 0n,
        seqNo: BigInt(100 + i),
        timestamp: BigInt(START + 100 + i),
        payload: `appended ${i} ${'z'.repeat(60)}`,
      });
    }
    await second.close();
    const appended = join(tmp.dir, 'appended.ss');
    writeFileSync(appended, sink.toBytes());
    const nd = join(tmp.dir, 'appended.ndjson');
    const r = await xtrace(['convert', appended, nd]);
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toMatch(
      new RegExp(
        `^xtrace: ${escapeRe(appended)}: MULTIPLE_SESSIONS: running checksums restart at offset \\d+: the file was written by more than one writer session`,
      ),
    );
    // and it is true: the records give the same messages back, not the same bytes
    const back = join(tmp.dir, 'appended-back.ss');
    expect((await xtrace(['convert', nd, back])).code).toBe(0);
    expect(readFileSync(back).equals(readFileSync(appended))).toBe(false);
    const messages = (b: Uint8Array) => readSeaStreamer(b).messages.map((m) => [m.streamKey, m.seqNo, m.checksum]);
    expect(messages(new Uint8Array(readFileSync(back)))).toEqual(messages(new Uint8Array(readFileSync(appended))));
    const single = await xtrace(['convert', ss, join(tmp.dir, 'single.ndjson')]);
    expect(single.stderr).toBe('');
  });

  it('write says on stderr that appending replaces the end-of-stream message', async () => {
    const ended = join(tmp.dir, 'ended.ss');
    writeFileSync(ended, ssFile(4));
    const eosAt = readSeaStreamer(new Uint8Array(readFileSync(ended))).messages.at(-1)!.offset;
    const r = await xtrace(['write', ended, '--stream', 'alpha'], { input: 'more\n' });
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toBe(
      `xtrace: ${ended}: EOS_REPLACED: the file ended with an end-of-stream message at offset ${eosAt}: appending replaces it (it is written again with --eos)`,
    );
    const after = readSeaStreamer(new Uint8Array(readFileSync(ended)));
    expect(after.messages.at(-1)).toMatchObject({ streamKey: 'alpha', isEos: false });
    const again = await xtrace(['write', ended, '--stream', 'alpha'], { input: 'more\n' });
    expect(again.stderr).toBe('');
  });

  it('the help of --format says ss-decode-ndjson starts with a comment line jq rejects', async () => {
    const r = await xtrace(['cat', '--help']);
    expect(r.stdout).toMatch(
      /ss-decode-ndjson .*its first line is a \/\* \.\.\. \*\/ comment,\s+which jq rejects: use plain ndjson for jq/,
    );
  });

  it('a .ss whose stream key holds invalid UTF-8 still prints (escaped), and cat keeps going', async () => {
    const header = encodeSeaStreamerHeader({ fileName: 'x.ss', beaconInterval: 1024, createdAt: START });
    const frame = encodeFrame('ok', 0n, 0n, BigInt(START), new Uint8Array([1, 2, 3]));
    const file = join(tmp.dir, 'x.ss');
    writeFileSync(file, Buffer.concat([header, frame]));
    const r = await xtrace(['cat', file, '--format', 'table']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ok\s+0\s+0\s+3\s+<3 bytes> 010203/);
  });
});

describe('running xtrace from the repository', () => {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  it('pnpm xtrace and pnpm exec xtrace work from the root (after install and build)', { timeout: 120_000 }, () => {
    const version = (JSON.parse(readFileSync(join(root, 'apps/cli/package.json'), 'utf8')) as { version: string })
      .version;
    for (const args of [
      ['xtrace', '--version'],
      ['exec', 'xtrace', '--version'],
    ]) {
      const r = spawnSync('pnpm', ['--silent', ...args], { cwd: root, encoding: 'utf8' });
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stdout.trim(), args.join(' ')).toBe(version);
    }
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain('pnpm xtrace');
  });
});

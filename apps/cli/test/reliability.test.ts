import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTrace, type TraceEvent, writeTrace } from '@x/moqtrace';
import { encodeFrame, encodeSeaStreamerHeader, readSeaStreamer, writeSeaStreamer } from '@x/seastreamer-file';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noStackTrace, parseNdjson, tempDir, xtrace } from './helpers.js';

// Issue 11 in the CLI: NDJSON imports fail the same way for both formats, outputs are atomic (or kept and
// marked with --keep-partial), data problems exit 1, and nothing from a file reaches a terminal raw.

const START = 1_700_000_000_000;
const ESC = '\u001b';
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function ssBytes(): Uint8Array {
  return writeSeaStreamer(
    Array.from({ length: 40 }, (_, i) => ({
      streamKey: 'k',
      shardId: 0n,
      seqNo: BigInt(i),
      timestamp: BigInt(START + i),
      payload: `message ${i} ${'p'.repeat(i * 7)}`,
    })),
    { fileName: 'r.ss', beaconInterval: 256, createdAt: BigInt(START) },
  );
}

function moqBytes(): Uint8Array {
  const events: TraceEvent[] = [];
  for (let i = 0; i < 40; i++) {
    events.push({ type: 'annotation', seq: i, timestamp: i * 10, label: `n${i}`, data: { i } } as TraceEvent);
  }
  return writeTrace({
    header: { protocol: 'moq-transport-14', perspective: 'client', detail: 'control', startTime: START },
    events,
  });
}

describe('NDJSON import: one vocabulary for both formats, line numbers, exit 1', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const cases = [
    ['.ss', 'r.ss', ssBytes, 'out.ss', '"kind":"message"'],
    ['.moqtrace', 'r.moqtrace', moqBytes, 'out.moqtrace', '"kind":"event"'],
  ] as const;
  const sources: Record<string, string[]> = {};
  beforeAll(async () => {
    for (const [label, name, make] of cases) {
      const path = join(tmp.dir, name);
      writeFileSync(path, make());
      const nd = join(tmp.dir, `${name}.ndjson`);
      expect((await xtrace(['convert', path, nd])).code, label).toBe(0);
      sources[label] = readFileSync(nd, 'utf8').trimEnd().split('\n');
    }
  });

  it.each(cases)(
    '%s: a misspelt kind stops the import at its line (exit 1), no output file',
    async (label, _n, _m, out, kind) => {
      const lines = [...sources[label]!];
      lines[5] = lines[5]!.replace(kind, kind.replace('"kind":"', '"kind":"x'));
      const input = join(tmp.dir, `bad${label}.ndjson`);
      writeFileSync(input, `${lines.join('\n')}\n`);
      const target = join(tmp.dir, out);
      const r = await xtrace(['convert', input, target]);
      expect(r.code).toBe(1);
      const offset = Buffer.byteLength(`${lines.slice(0, 5).join('\n')}\n`);
      expect(r.stderr.trim()).toMatch(
        new RegExp(
          `^xtrace: ${escapeRe(input)}: INVALID_NDJSON at line 6: unknown record kind "x\\w+".* \\(byte ${offset}\\)$`,
        ),
      );
      expect(noStackTrace(r.stderr)).toBe(true);
      expect(existsSync(target)).toBe(false);
      expect(readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    },
  );

  it.each(cases)(
    '%s: --skip-invalid-lines reports each skipped line and writes the rest (exit 1)',
    async (label, _n, _m, out) => {
      const lines = [...sources[label]!];
      lines[3] = '{}';
      lines[6] = 'not json';
      const input = join(tmp.dir, `skip${label}.ndjson`);
      writeFileSync(input, `\ufeff${lines.join('\n')}\n`);
      const target = join(tmp.dir, `skipped-${out}`);
      const r = await xtrace(['convert', input, target, '--skip-invalid-lines']);
      expect(r.code).toBe(1);
      const reported = r.stderr.trim().split('\n');
      expect(reported).toHaveLength(2);
      expect(reported[0]).toMatch(/: INVALID_NDJSON at line 4: .* \(byte \d+\)$/);
      expect(reported[1]).toMatch(/: INVALID_NDJSON at line 7: not JSON.* \(byte \d+\)$/);
      expect(existsSync(target)).toBe(true);
      const v = await xtrace(['validate', target, '--json']);
      expect(JSON.parse(v.stdout).ok).toBe(true);
    },
  );

  it('.moqtrace: a line nested too deeply gives a clear error, not an engine message', async () => {
    const lines = [...sources['.moqtrace']!];
    lines[2] = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const input = join(tmp.dir, 'deep.ndjson');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const r = await xtrace(['convert', input, join(tmp.dir, 'deep.moqtrace')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/INVALID_NDJSON at line 3: JSON nested deeper than 500 levels \(byte \d+\)$/);
  });
});

describe('outputs are atomic; --keep-partial keeps them marked so that validate flags them', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('a failure leaves no file and an existing output untouched; exit 1 for the data problem', async () => {
    const nd = join(tmp.dir, 'r.ndjson');
    writeFileSync(join(tmp.dir, 'r.moqtrace'), moqBytes());
    await xtrace(['convert', join(tmp.dir, 'r.moqtrace'), nd]);
    const lines = readFileSync(nd, 'utf8').trimEnd().split('\n');
    lines[20] = lines[20]!.replace('"label":', '"bogus":1,"label":');
    const bad = join(tmp.dir, 'bad.ndjson');
    writeFileSync(bad, `${lines.join('\n')}\n`);
    for (const out of ['x.moqtrace', 'x.sqlog', 'x.qlog']) {
      const target = join(tmp.dir, out);
      writeFileSync(target, 'previous');
      const r = await xtrace(['convert', bad, target]);
      expect(r.code, out).toBe(1);
      expect(r.stderr, out).toMatch(/INVALID_NDJSON at line 21: /);
      expect(readFileSync(target, 'utf8'), out).toBe('previous');
    }
    expect(readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('--keep-partial: the records before the failure are kept, ended by an incomplete record (validate: exit 1)', async () => {
    const nd = join(tmp.dir, 'k.ndjson');
    writeFileSync(join(tmp.dir, 'k.moqtrace'), moqBytes());
    await xtrace(['convert', join(tmp.dir, 'k.moqtrace'), nd]);
    const lines = readFileSync(nd, 'utf8').trimEnd().split('\n');
    lines[30] = '{"kind":"nonsense"}';
    const bad = join(tmp.dir, 'k-bad.ndjson');
    writeFileSync(bad, `${lines.join('\n')}\n`);
    for (const out of ['p.moqtrace', 'p.sqlog', 'p.qlog']) {
      const target = join(tmp.dir, out);
      const r = await xtrace(['convert', bad, target, '--keep-partial']);
      expect(r.code, out).toBe(1);
      expect(r.stderr, out).toMatch(
        new RegExp(`${escapeRe(target)}: PARTIAL_OUTPUT: kept the \\d+ bytes written before the failure`),
      );
      const v = await xtrace(['validate', target]);
      expect(v.code, out).toBe(1);
      expect(v.stdout, out).toMatch(/TRUNCATED at offset \d+/);
      // everything before the bad line is there (28 events: lines 2-30); qlog holds back at most one event
      const count = JSON.parse((await xtrace(['validate', target, '--json'])).stdout).counts.events;
      expect(count, out).toBeGreaterThanOrEqual(28);
    }
    // .ss: the same with a key the writer refuses
    const ssNd = join(tmp.dir, 's.ndjson');
    writeFileSync(join(tmp.dir, 's.ss'), ssBytes());
    await xtrace(['convert', join(tmp.dir, 's.ss'), ssNd]);
    const ssLines = readFileSync(ssNd, 'utf8').trimEnd().split('\n');
    ssLines[30] = ssLines[30]!.replace('"streamKey":"k"', '"streamKey":"k k"');
    writeFileSync(ssNd, `${ssLines.join('\n')}\n`);
    const ssOut = join(tmp.dir, 'p.ss');
    const r = await xtrace(['convert', ssNd, ssOut, '--keep-partial']);
    expect(r.code).toBe(1);
    const v = await xtrace(['validate', ssOut, '--json']);
    expect(v.code).toBe(1);
    const result = JSON.parse(v.stdout);
    expect(result.end.state).toBe('truncated');
    expect(result.counts.messages).toBe(29);
  });
});

describe('terminal injection: text from files is escaped in human-readable output, JSON stays JSON', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const evil = join(tmp.dir, 'evil.ss');
  const key = `k${ESC}[31mred`;
  beforeAll(() => {
    const header = encodeSeaStreamerHeader({
      fileName: `f${ESC}]0;owned\u0007`,
      beaconInterval: 1024,
      createdAt: START,
    });
    const frames = [
      encodeFrame(key, 0n, 1n, BigInt(START), new TextEncoder().encode(`pay${ESC}[2Jload`)),
      encodeFrame('ok\u202e', 0n, 2n, BigInt(START + 1), new TextEncoder().encode('x')),
    ];
    writeFileSync(evil, Buffer.concat([header, ...frames]));
  });

  it('info, stats, validate, cat table/log and error lines never print a control character', async () => {
    for (const args of [
      ['info', evil],
      ['stats', evil],
      ['validate', evil],
      ['cat', evil, '--format', 'table'],
      ['cat', evil, '--format', 'log', '--payload', 'text'],
      ['cat', evil, '--stream', 'none', '--format', 'log'],
    ]) {
      const r = await xtrace(args);
      // the only control characters are the line ends
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must not be there
      expect(r.stdout + r.stderr, args.join(' ')).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
      expect(r.stdout + r.stderr, args.join(' ')).toMatch(/\\x1b|\\u001b/);
    }
    const validate = await xtrace(['validate', evil]);
    expect(validate.stdout).toContain(`INVALID_STREAM_KEY at offset 128: stream key "k\\u001b[31mred"`);
    const table = await xtrace(['cat', evil, '--format', 'table']);
    expect(table.stdout).toContain('k\\x1b[31mred');
    expect(table.stdout).toContain('ok\\u202e');
    const log = await xtrace(['cat', evil, '--format', 'log', '--payload', 'text']);
    expect(log.stdout).toContain('pay\\x1b[2Jload');
  });

  it('JSON output keeps the exact text (JSON-escaped)', async () => {
    const records = parseNdjson((await xtrace(['cat', evil])).stdout);
    expect(records.find((r) => r.kind === 'message')!.streamKey).toBe(key);
    expect(JSON.parse((await xtrace(['info', evil, '--json'])).stdout).header.fileName).toBe(`f${ESC}]0;owned\u0007`);
  });

  it('a file name with control characters is escaped in error lines', async () => {
    const name = join(tmp.dir, `bad${ESC}[2Jname.ss`);
    writeFileSync(name, 'not a trace at all');
    const r = await xtrace(['info', name]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain(ESC);
    expect(r.stderr).toContain('bad\\x1b[2Jname.ss: UNKNOWN_FORMAT at offset 0');
  });
});

describe('convert: every reader problem is reported with its offset; the output still holds what was read', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('a truncated .moqtrace converts its complete events and exits 1 with TRUNCATED', async () => {
    const bytes = moqBytes();
    const offsets = readTrace(bytes).segments[0]!.eventOffsets;
    const cut = join(tmp.dir, 'cut.moqtrace');
    writeFileSync(cut, bytes.subarray(0, offsets[10]! + 4));
    const out = join(tmp.dir, 'cut.ndjson');
    const r = await xtrace(['convert', cut, out]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `xtrace: ${cut}: TRUNCATED at offset ${offsets[10]}: truncated: the item starting at byte ${offsets[10]} is incomplete (4 bytes left)`,
    );
    const records = parseNdjson(readFileSync(out, 'utf8'));
    expect(records.filter((x) => x.kind === 'event')).toHaveLength(10);
    expect(records.at(-1)).toMatchObject({ kind: 'end', state: 'truncated', offset: offsets[10] });
    const ss = ssBytes();
    const messages = readSeaStreamer(ss).messages;
    const ssCut = join(tmp.dir, 'cut.ss');
    writeFileSync(ssCut, ss.subarray(0, messages[7]!.offset + 3));
    const s = await xtrace(['convert', ssCut, join(tmp.dir, 'cut-ss.ndjson')]);
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(/TRUNCATED at offset \d+: /);
  });
});

import { PassThrough, Readable } from 'node:stream';
import { writeSeaStreamerFile } from '@x/seastreamer-file';
import { describe, expect, it } from 'vitest';
import { formatErrorLine, formatRyu, reserializeLikeSerde, run, u64Json } from '../src/index.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('run() in process', () => {
  it('reads stdin for - and returns the exit code', async () => {
    const bytes = writeSeaStreamerFile(
      [{ streamKey: 'k', shardId: 0n, seqNo: 1n, timestamp: 1_700_000_000_000n, payload: 'hi' }],
      { fileName: 'x.ss', beaconInterval: 1024, eos: 1_700_000_000_001n },
    );
    const out = capture();
    const err = capture();
    const code = await run(['cat', '-', '--format', 'log'], {
      stdout: out.stream,
      stderr: err.stream,
      stdin: Readable.from([Buffer.from(bytes)]),
      env: { NO_COLOR: '1' },
    });
    expect(code).toBe(0);
    expect(out.text()).toContain('k/0 #1 hi');
    expect(err.text()).toBe('');
  });

  it('colours only when asked (FORCE_COLOR) and never with NO_COLOR', async () => {
    const run1 = capture();
    await run(['info', '/nonexistent.ss'], {
      stdout: capture().stream,
      stderr: run1.stream,
      stdin: Readable.from([]),
      env: { FORCE_COLOR: '1' },
    });
    expect(run1.text()).toContain('\u001b[');
    const run2 = capture();
    await run(['info', '/nonexistent.ss'], {
      stdout: capture().stream,
      stderr: run2.stream,
      stdin: Readable.from([]),
      env: { FORCE_COLOR: '1', NO_COLOR: '1' },
    });
    expect(run2.text()).not.toContain('\u001b[');
    expect(run2.text().trim()).toBe('xtrace: /nonexistent.ss: IO_ERROR: no such file or directory');
  });
});

describe('output helpers', () => {
  it('renders u64 values as numbers up to 2^53-1 and strings above', () => {
    expect(u64Json(9007199254740991n)).toBe(9007199254740991);
    expect(u64Json(9007199254740992n)).toBe('9007199254740992');
  });

  it('formats error lines', () => {
    expect(formatErrorLine({ code: 'TRUNCATED', message: 'cut', offset: 7 }, 'a.ss')).toBe(
      'xtrace: a.ss: TRUNCATED at offset 7: cut',
    );
    expect(formatErrorLine({ code: 'USAGE', message: 'bad' })).toBe('xtrace: USAGE: bad');
  });

  it('re-serialises JSON like serde_json (sorted keys byte-wise, integers kept, ryu floats)', () => {
    expect(reserializeLikeSerde('{"b":1.0, "a":[1e30, -0, 18446744073709551615, 0.1, 1e-7]}')).toBe(
      '{"a":[1e30,-0.0,18446744073709551615,0.1,1e-7],"b":1.0}',
    );
    expect(reserializeLikeSerde('{"\uffff":1,"\ud83c\udf0a":2}')).toBe('{"\uffff":1,"\ud83c\udf0a":2}');
    expect(reserializeLikeSerde('"\\ud800"')).toBeUndefined();
    expect(reserializeLikeSerde('1e400')).toBeUndefined();
    expect(reserializeLikeSerde('{"a":1} x')).toBeUndefined();
    expect(reserializeLikeSerde(`${'['.repeat(127)}${']'.repeat(127)}`)).toBeDefined();
    expect(reserializeLikeSerde(`${'['.repeat(128)}${']'.repeat(128)}`)).toBeUndefined();
    expect(formatRyu(123456.75)).toBe('123456.75');
    expect(formatRyu(1e16)).toBe('1e16');
    expect(formatRyu(1234e-8)).toBe('0.00001234');
    expect(formatRyu(1.5e-300)).toBe('1.5e-300');
  });
});

import { PassThrough, Readable } from 'node:stream';
import { writeSeaStreamer } from '@x/seastreamer-file';
import { describe, expect, it } from 'vitest';
import { formatErrorLine, run, u64Json } from '../src/index.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('run() in process', () => {
  it('reads stdin for - and returns the exit code', async () => {
    const bytes = writeSeaStreamer(
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
    expect(formatErrorLine({ code: 'INVALID_NDJSON', message: 'not JSON (byte 52)', line: 3 }, 'in.ndjson')).toBe(
      'xtrace: in.ndjson: INVALID_NDJSON at line 3: not JSON (byte 52)',
    );
  });
});

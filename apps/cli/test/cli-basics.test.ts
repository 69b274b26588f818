import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { noStackTrace, tempDir, xtrace } from './helpers.js';

const COMMANDS = ['info', 'cat', 'validate', 'stats', 'seek', 'convert', 'write', 'hexdump', 'view'];

describe('xtrace basics', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('prints the package version with --version and -V', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await xtrace([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(pkg.version);
    }
  });

  it('has help with examples for the program and every command', async () => {
    const root = await xtrace(['--help']);
    expect(root.code).toBe(0);
    for (const c of COMMANDS) expect(root.stdout).toContain(c);
    for (const c of COMMANDS) {
      const r = await xtrace([c, '--help']);
      expect(r.code, c).toBe(0);
      expect(r.stdout, c).toContain('Examples:');
      expect(r.stdout, c).toMatch(new RegExp(`\\$ .*xtrace ${c} `));
    }
  });

  it('documents the time units of --from/--to', async () => {
    const r = await xtrace(['cat', '--help']);
    expect(r.stdout).toMatch(/milliseconds since the Unix\s+epoch/);
    expect(r.stdout).toMatch(/microseconds relative to the header's startTime/);
  });

  it('exits 2 with one line for usage errors', async () => {
    for (const args of [['bogus'], ['cat'], ['cat', 'x', '--format', 'nope'], ['cat', 'x', '--limit', 'abc'], []]) {
      const r = await xtrace(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(noStackTrace(r.stderr)).toBe(true);
      if (args.length > 0) {
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).toMatch(/^xtrace: USAGE: /);
      }
    }
  });

  it('view reports a missing file in one line and exits 2 (the server is tested in view.test.ts)', async () => {
    const missing = join(tmp.dir, 'a.moqtrace');
    const r = await xtrace(['view', missing]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`xtrace: ${missing}: IO_ERROR: no such file or directory`);
  });

  it('reports a missing file and a directory as I/O errors (exit 2)', async () => {
    const missing = join(tmp.dir, 'missing.ss');
    for (const command of ['info', 'cat', 'validate', 'stats', 'hexdump']) {
      const r = await xtrace([command, missing]);
      expect(r.code, command).toBe(2);
      expect(r.stderr.trim(), command).toBe(`xtrace: ${missing}: IO_ERROR: no such file or directory`);
      const d = await xtrace([command, tmp.dir]);
      expect(d.code, command).toBe(2);
      expect(d.stderr.trim(), command).toBe(`xtrace: ${tmp.dir}: IO_ERROR: is a directory`);
    }
  });

  it('reports an empty file and a file of unknown format as data problems (exit 1), one line, no stack trace', async () => {
    const empty = join(tmp.dir, 'empty.bin');
    writeFileSync(empty, new Uint8Array(0));
    const random = join(tmp.dir, 'random.bin');
    const bytes = new Uint8Array(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 251;
    bytes[0] = 0x00;
    writeFileSync(random, bytes);
    for (const command of ['info', 'cat', 'validate', 'stats']) {
      const e = await xtrace([command, empty]);
      expect(e.code, command).toBe(1);
      expect(e.stderr.trim(), command).toMatch(new RegExp(`^xtrace: ${empty}: TRUNCATED at offset 0: `));
      expect(e.stderr.trim().split('\n')).toHaveLength(1);
      const r = await xtrace([command, random]);
      expect(r.code, command).toBe(1);
      expect(r.stderr.trim(), command).toBe(
        `xtrace: ${random}: UNKNOWN_FORMAT at offset 0: not a .ss, .moqtrace or qlog file, nor NDJSON records: it starts with 00 97 26 b0 3f c9 58 e2 … ("\\x00\\x97&\\xb0?\\xc9X\\xe2"…); expected "Ss\\x01" (.ss), "MOQTRACE" (.moqtrace) or qlog JSON`,
      );
      expect(noStackTrace(r.stderr)).toBe(true);
    }
  });

  it('reads stdin for -', async () => {
    const r = await xtrace(['info', '-'], { input: 'hello world, not a trace' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^xtrace: -: UNKNOWN_FORMAT at offset 0: .*68 65 6c 6c 6f 20 77 6f … \("hello wo"…\)/);
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTrace, type TraceEvent, writeTrace } from '@x/moqtrace';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, parseNdjson, tempDir } from './helpers.js';

// No test here sleeps for a fixed time: each one waits for what it needs (a line printed, a file written),
// so that a slow, loaded machine only makes them slower, never wrong.

const LIB = fileURLToPath(new URL('../../../packages/seastreamer-file/dist/node/index.js', import.meta.url));

function writerScript(path: string, count: number, eos: boolean, gate?: string): string {
  return `
import { existsSync } from 'node:fs';
import { createSeaStreamerFileWriter } from ${JSON.stringify(LIB)};
const writer = await createSeaStreamerFileWriter(${JSON.stringify(path)}, { beaconInterval: 256 });
await writer.flush();
${gate ? `while (!existsSync(${JSON.stringify(gate)})) await new Promise((r) => setTimeout(r, 5));` : ''}
for (let i = 0; i < ${count}; i++) {
  await new Promise((r) => setTimeout(r, 5));
  writer.write({ streamKey: 'live', seqNo: BigInt(i), timestamp: BigInt(Date.now()), payload: 'tick-' + i + ' ' + 'y'.repeat(i * 13 % 90) });
  await writer.flush();
}
${eos ? 'await writer.close({ eos: true });' : 'await writer.flush();'}
`;
}

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function run(cmd: string, args: string[]): Running {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    done: new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr }))),
  };
}

/** Waits until `condition` holds, polling; fails with `what` after `ms` (a generous bound, not a timing). */
async function until(condition: () => boolean, what: string, ms = 60_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const lines = (text: string) => text.split('\n').filter((l) => l.length > 0);

describe('cat --follow against a file another process is writing', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('prints every message as it arrives and stops at EOS', { timeout: 120_000 }, async () => {
    const file = join(tmp.dir, 'live.ss');
    const gate = join(tmp.dir, 'go');
    const script = join(tmp.dir, 'writer.mjs');
    writeFileSync(script, writerScript(file, 40, true, gate));
    const writer = run(process.execPath, [script]);
    await until(() => existsSync(file), 'the writer to create the file');
    const follower = run(process.execPath, [BIN, 'cat', file, '--follow', '--format', 'ndjson']);
    await until(() => follower.stdout().includes('"kind":"header"'), 'the follower to print the header');
    writeFileSync(gate, '');
    const w = await writer.done;
    expect(w.stderr).toBe('');
    const f = await follower.done;
    expect(f.code).toBe(0);
    const records = parseNdjson(f.stdout);
    const messages = records.filter((r) => r.kind === 'message');
    expect(messages.map((m) => m.seqNo)).toEqual([...Array(40).keys(), 0]);
    expect(messages.at(-1)!.eos).toBe(true);
    expect(records.at(-1)).toMatchObject({ kind: 'end', state: 'eos' });
  });

  it('stops cleanly on Ctrl-C (SIGINT) with an end record, once it has printed what is there', {
    timeout: 120_000,
  }, async () => {
    const file = join(tmp.dir, 'noeos.ss');
    const script = join(tmp.dir, 'writer2.mjs');
    writeFileSync(script, writerScript(file, 5, false));
    await run(process.execPath, [script]).done;
    const follower = run(process.execPath, [BIN, 'cat', file, '--follow', '--format', 'ndjson']);
    await until(() => lines(follower.stdout()).length === 6, 'the header and the 5 messages');
    follower.child.kill('SIGINT');
    const f = await follower.done;
    expect(f.code).toBe(0);
    const records = parseNdjson(f.stdout);
    expect(records.filter((r) => r.kind === 'message')).toHaveLength(5);
    expect(records.at(-1)).toMatchObject({ kind: 'end', state: 'aborted' });
  });

  it('with --wait, waits for a file that does not exist yet (like tail -F)', { timeout: 120_000 }, async () => {
    const file = join(tmp.dir, 'later.ss');
    const script = join(tmp.dir, 'writer3.mjs');
    writeFileSync(script, writerScript(file, 3, true));
    const follower = run(process.execPath, [BIN, 'cat', file, '--follow', '--wait', '--format', 'ndjson']);
    // the follower is up and waiting (not failing) before the file exists
    await until(() => follower.stderr().includes('WAITING'), 'the follower to say it waits');
    expect(follower.stderr().trim()).toBe(
      `xtrace: ${file}: WAITING: no such file yet: waiting for it to appear (Ctrl-C to stop)`,
    );
    expect(existsSync(file)).toBe(false);
    const writer = await run(process.execPath, [script]).done;
    expect(writer.code).toBe(0);
    const f = await follower.done;
    expect(f.code).toBe(0);
    expect(f.stderr.trim().split('\n')).toHaveLength(1);
    expect(
      parseNdjson(f.stdout)
        .filter((r) => r.kind === 'message')
        .map((m) => m.seqNo),
    ).toEqual([0, 1, 2, 0]);
    // without --wait, a missing file is the usual I/O error
    const missing = run(process.execPath, [BIN, 'cat', join(tmp.dir, 'never.ss'), '--follow']);
    const m = await missing.done;
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/IO_ERROR: no such file or directory/);
  });

  it('follows a growing .moqtrace (an item cut in the middle waits for its end) until Ctrl-C', {
    timeout: 120_000,
  }, async () => {
    const events: TraceEvent[] = [];
    for (let i = 0; i < 30; i++)
      events.push({ type: 'annotation', seq: i, timestamp: i * 10, label: `n${i}`, data: i } as TraceEvent);
    const bytes = writeTrace({
      header: { protocol: 'moq-transport-14', perspective: 'client', detail: 'control', startTime: 1 },
      events,
    });
    const offsets = readTrace(bytes).segments[0]!.eventOffsets;
    const file = join(tmp.dir, 'grow.moqtrace');
    const cut = offsets[10]! + 3;
    writeFileSync(file, bytes.subarray(0, cut));
    const follower = run(process.execPath, [BIN, 'cat', file, '--follow', '--format', 'events']);
    await until(() => lines(follower.stdout()).length === 10, 'the 10 complete events');
    appendFileSync(file, bytes.subarray(cut, offsets[20]!));
    await until(() => lines(follower.stdout()).length === 20, '20 events');
    appendFileSync(file, bytes.subarray(offsets[20]!));
    await until(() => lines(follower.stdout()).length === 30, 'all 30 events');
    follower.child.kill('SIGINT');
    const f = await follower.done;
    expect(f.code).toBe(0);
    expect(f.stderr).toBe('');
    expect(parseNdjson(f.stdout).map((e) => e.seq)).toEqual([...Array(30).keys()]);
  });
});

import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTrace, type TraceEvent, writeTrace } from '@x/moqtrace';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, parseNdjson, tempDir } from './helpers.js';

const LIB = fileURLToPath(new URL('../../../packages/seastreamer-file/dist/node/index.js', import.meta.url));

function writerScript(path: string, count: number, delayMs: number, eos: boolean): string {
  return `
import { createSeaStreamerFileWriter } from ${JSON.stringify(LIB)};
const writer = await createSeaStreamerFileWriter(${JSON.stringify(path)}, { beaconInterval: 256 });
await writer.flush();
for (let i = 0; i < ${count}; i++) {
  await new Promise((r) => setTimeout(r, ${delayMs}));
  writer.write({ streamKey: 'live', seqNo: BigInt(i), timestamp: BigInt(Date.now()), payload: 'tick-' + i + ' ' + 'y'.repeat(i * 13 % 90) });
  await writer.flush();
}
${eos ? 'await writer.close({ eos: true });' : 'await writer.flush();'}
`;
}

function run(
  cmd: string,
  args: string[],
): { done: Promise<{ code: number | null; stdout: string; stderr: string }>; kill: (s: NodeJS.Signals) => void } {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return {
    done: new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr }))),
    kill: (s) => child.kill(s),
  };
}

describe('cat --follow against a file another process is writing', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('prints every message as it arrives and stops at EOS', async () => {
    const file = join(tmp.dir, 'live.ss');
    const script = join(tmp.dir, 'writer.mjs');
    writeFileSync(script, writerScript(file, 40, 15, true));
    const writer = run(process.execPath, [script]);
    while (!existsSync(file)) await new Promise((r) => setTimeout(r, 10));
    const follower = run(process.execPath, [BIN, 'cat', file, '--follow', '--format', 'ndjson']);
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

  it('stops cleanly on Ctrl-C (SIGINT) with an end record', async () => {
    const file = join(tmp.dir, 'noeos.ss');
    const script = join(tmp.dir, 'writer2.mjs');
    writeFileSync(script, writerScript(file, 5, 5, false));
    await run(process.execPath, [script]).done;
    const follower = run(process.execPath, [BIN, 'cat', file, '--follow', '--format', 'ndjson']);
    await new Promise((r) => setTimeout(r, 700));
    follower.kill('SIGINT');
    const f = await follower.done;
    expect(f.code).toBe(0);
    const records = parseNdjson(f.stdout);
    expect(records.filter((r) => r.kind === 'message')).toHaveLength(5);
    expect(records.at(-1)!.kind).toBe('end');
  });

  it('follows a growing .moqtrace (an item cut in the middle waits for its end) until Ctrl-C', async () => {
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
    await new Promise((r) => setTimeout(r, 400));
    appendFileSync(file, bytes.subarray(cut, offsets[20]!));
    await new Promise((r) => setTimeout(r, 300));
    appendFileSync(file, bytes.subarray(offsets[20]!));
    await new Promise((r) => setTimeout(r, 600));
    follower.kill('SIGINT');
    const f = await follower.done;
    expect(f.code).toBe(0);
    expect(f.stderr).toBe('');
    expect(parseNdjson(f.stdout).map((e) => e.seq)).toEqual([...Array(30).keys()]);
  });
});

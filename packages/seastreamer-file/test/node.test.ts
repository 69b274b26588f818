import { execFileSync, spawn } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeStats, readSeaStreamer, type SeaStreamerMessage, writeSeaStreamer } from '../src/index.js';
import { createSeaStreamerFileWriter, followSeaStreamerFile, openSeaStreamerFile } from '../src/node/index.js';
import { messagesOf, nextMessage, readAll } from './helpers.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const childScript = fileURLToPath(new URL('./slow-writer.mjs', import.meta.url));
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'seastreamer-test-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Reads a follower's messages; once `count` were handed out (it then waits for the file to grow), calls `then`
 * and reads on to the end. Returns the sequence numbers.
 */
async function readUntil(
  reader: Awaited<ReturnType<typeof followSeaStreamerFile>>,
  count: number,
  then: () => void,
): Promise<bigint[]> {
  const seen: bigint[] = [];
  let done = false;
  for await (const record of reader) {
    if (record.kind !== 'message') continue;
    seen.push(record.seqNo);
    if (seen.length === count && !done) {
      done = true;
      then();
    }
  }
  return seen;
}

function runChild(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childScript, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

const msg = (i: number, key = 's') => ({
  streamKey: key,
  shardId: BigInt(i % 2),
  seqNo: BigInt(i),
  timestamp: BigInt(1_700_000_000_000 + i),
  payload: `payload-${i}-${'q'.repeat((i * 13) % 90)}`,
});

describe('file writer and reader', () => {
  it('writes a file that reads back, with seek on the file', async () => {
    const path = join(dir, 'rw.ss');
    const writer = await createSeaStreamerFileWriter(path, { beaconInterval: 1024 });
    for (let i = 0; i < 500; i++) writer.write(msg(i, i % 3 ? 'x' : 'y'));
    await writer.close({ eos: true });
    const reader = await openSeaStreamerFile(path, { chunkSize: 4096 });
    expect(reader.header.fileName).toBe('rw.ss');
    let n = 0;
    for await (const _ of reader) n++;
    expect(n).toBe(501);
    expect(reader.end?.state).toBe('eos');
    const found = await reader.seekBySeqNo('y', 1n, 301n);
    expect([found.message.streamKey, found.message.seqNo]).toEqual(['y', 303n]);
    expect(found.beaconsRead).toBeLessThanOrEqual(Math.floor(statSync(path).size / 1024));
    await reader.close();
  });

  it('a bad file name leaves no file behind; an unreadable path is IO_ERROR', async () => {
    const path = join(dir, 'never.ss');
    await expect(createSeaStreamerFileWriter(path, { fileName: 'n'.repeat(112) })).rejects.toMatchObject({
      code: 'FILE_NAME_TOO_LONG',
    });
    expect(existsSync(path)).toBe(false);
    await expect(openSeaStreamerFile(join(dir, 'missing.ss'))).rejects.toMatchObject({ code: 'IO_ERROR' });
  });

  it('size limit on disk: SIZE_LIMIT_EXCEEDED, the file stays within the limit and ends at a message', async () => {
    const path = join(dir, 'limit.ss');
    const writer = await createSeaStreamerFileWriter(path, { beaconInterval: 512, sizeLimit: 3000, bufferSize: 64 });
    let accepted = 0;
    let error: unknown;
    for (let i = 0; i < 100 && !error; i++) {
      try {
        writer.write(msg(i));
        accepted++;
      } catch (e) {
        error = e;
      }
    }
    expect(error).toMatchObject({ code: 'SIZE_LIMIT_EXCEEDED' });
    await writer.close();
    expect(statSync(path).size).toBeLessThanOrEqual(3000);
    const result = readSeaStreamer(readFileSync(path));
    expect(result.messages.length).toBe(accepted);
    expect(result.end.state).toBe('eof');
  });
});

describe('atomic output', () => {
  it('appears only on close(); abort() leaves no file and an existing file untouched', async () => {
    const path = join(dir, 'atomic.ss');
    const writer = await createSeaStreamerFileWriter(path, { atomic: true, beaconInterval: 256 });
    for (let i = 0; i < 20; i++) writer.write(msg(i));
    await writer.flush();
    expect(existsSync(path)).toBe(false);
    await writer.close({ eos: true });
    const first = readFileSync(path);
    expect(readSeaStreamer(new Uint8Array(first)).messages.length).toBe(21);
    const failed = await createSeaStreamerFileWriter(path, { atomic: true, beaconInterval: 256 });
    failed.write(msg(1));
    await failed.flush();
    expect(() => failed.write({ ...msg(2), streamKey: 'bad key' })).toThrow(
      expect.objectContaining({ code: 'INVALID_STREAM_KEY' }),
    );
    await failed.abort();
    expect(readFileSync(path).equals(first)).toBe(true); // the previous file is untouched
    expect(readdirSync(dir).filter((f) => f.includes('atomic.ss') && f.endsWith('.tmp'))).toEqual([]);
    await expect(createSeaStreamerFileWriter(path, { atomic: true, append: true })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});

describe('append', () => {
  it('overwrites a trailing EOS, keeps the header and interval, continues markers seamlessly', async () => {
    const path = join(dir, 'append.ss');
    const first = await createSeaStreamerFileWriter(path, { beaconInterval: 1024, createdAt: 42 });
    for (let i = 0; i < 60; i++) first.write(msg(i));
    await first.close({ eos: true });
    const seen: unknown[] = [];
    const second = await createSeaStreamerFileWriter(path, {
      append: true,
      beaconInterval: 4096,
      fileName: 'ignored',
      onWarning: (w) => seen.push(w),
    });
    expect(second.beaconInterval).toBe(1024);
    expect(second.warnings).toEqual([
      {
        code: 'BEACON_INTERVAL_IGNORED',
        fileInterval: 1024,
        requestedInterval: 4096,
        message: expect.stringContaining('4096 ignored'),
      },
    ]);
    expect(seen).toEqual(second.warnings);
    for (let i = 60; i < 150; i++) second.write(msg(i));
    await second.close({ eos: true });
    const result = readSeaStreamer(readFileSync(path));
    expect(result.header).toMatchObject({ fileName: 'append.ss', createdAt: 42n, beaconInterval: 1024 });
    expect(result.messages.filter((m) => m.isEos).length).toBe(1);
    expect(result.messages.map((m) => m.seqNo).slice(0, -1)).toEqual(Array.from({ length: 150 }, (_, i) => BigInt(i)));
    expect(result.problems).toEqual([]); // running checksums continue across the append
    expect(result.end.state).toBe('eos');
    // Byte-identical to writing everything in one run, apart from the beacon rotation restarting.
    const oneRun = writeSeaStreamer(
      Array.from({ length: 150 }, (_, i) => msg(i)),
      { fileName: 'append.ss', beaconInterval: 1024, createdAt: 42, eos: result.messages.at(-1)!.timestamp },
    );
    expect(readSeaStreamer(oneRun).messages.map((m) => m.offset)).toEqual(result.messages.map((m) => m.offset));
  });

  it('no interval warning when the requested interval matches, is absent, or the file is created', async () => {
    const path = join(dir, 'append-same.ss');
    const created = await createSeaStreamerFileWriter(path, { append: true, beaconInterval: 2048 });
    expect(created.warnings).toEqual([]);
    created.write(msg(0));
    await created.close();
    for (const options of [{ beaconInterval: 2048 }, {}]) {
      const again = await createSeaStreamerFileWriter(path, { append: true, ...options });
      expect([again.beaconInterval, again.warnings]).toEqual([2048, []]);
      await again.close();
    }
    expect(readSeaStreamer(readFileSync(path)).header.beaconInterval).toBe(2048);
  });

  it('truncates stale bytes after the last complete message (a crashed writer, a shorter new tail)', async () => {
    const path = join(dir, 'stale.ss');
    const w = await createSeaStreamerFileWriter(path, { beaconInterval: 256 });
    for (let i = 0; i < 30; i++) w.write(msg(i));
    await w.close();
    const complete = statSync(path).size;
    appendFileSync(path, new Uint8Array(70).fill(7)); // partial garbage frame
    const again = await createSeaStreamerFileWriter(path, { append: true });
    again.write(msg(30));
    await again.close();
    const result = readSeaStreamer(readFileSync(path));
    expect(result.messages.length).toBe(31);
    expect(result.end).toMatchObject({ state: 'eof', trailingBytes: 0 });
    expect(result.messages[30]!.offset).toBeGreaterThanOrEqual(complete);
    expect(result.problems).toEqual([]);
  });

  it('resuming exactly on a boundary writes an empty beacon first; a missing file is created', async () => {
    const path = join(dir, 'boundary.ss');
    const w = await createSeaStreamerFileWriter(path, { append: true, beaconInterval: 128 });
    await w.close();
    expect(statSync(path).size).toBe(135);
    const again = await createSeaStreamerFileWriter(path, { append: true });
    expect(again.bytesWritten).toBe(135);
    again.write(msg(1));
    await again.close({ eos: true });
    const result = readSeaStreamer(readFileSync(path));
    expect(result.messages.length).toBe(2);
    expect(result.beacons[0]).toMatchObject({ offset: 128, size: 7 });
  });
});

describe('follow', () => {
  beforeAll(() => {
    // The writer child imports the built package.
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-b'], { cwd: packageDir, stdio: 'inherit' });
  }, 300_000);

  it('a follower sees every message of a writer in another process, split across writes and beacons, then EOS', async () => {
    const messages = Array.from({ length: 120 }, (_, i) => ({
      ...msg(i, i % 4 ? 'live' : 'other'),
      payload: new Uint8Array((i * 37) % 400).fill(i & 0xff),
    }));
    const bytes = writeSeaStreamer(messages, { fileName: 'live.ss', beaconInterval: 128, eos: 9n });
    const sourcePath = join(dir, 'live.bin');
    writeFileSync(sourcePath, bytes);
    const target = join(dir, 'live.ss');
    writeFileSync(target, new Uint8Array(0));
    const child = runChild(['raw', sourcePath, target, '12345']);
    const reader = await followSeaStreamerFile(target); // resolves once the header has arrived
    const seen: SeaStreamerMessage[] = messagesOf(await readAll(reader));
    expect(await child).toBe(0);
    expect(seen.length).toBe(121);
    expect(seen.map((m) => m.seqNo).slice(0, -1)).toEqual(messages.map((m) => m.seqNo));
    expect(seen.slice(0, -1).every((m, i) => Buffer.from(m.payload).equals(Buffer.from(messages[i]!.payload)))).toBe(
      true,
    );
    expect(reader.end?.state).toBe('eos');
    expect(reader.problems).toEqual([]);
    await reader.close();
  }, 300_000);

  it('follows the package writer in another process (flush per message)', async () => {
    const target = join(dir, 'writer.ss');
    const child = runChild(['writer', target, '150']);
    let reader: Awaited<ReturnType<typeof followSeaStreamerFile>> | undefined;
    for (let tries = 0; !reader; tries++) {
      try {
        reader = await followSeaStreamerFile(target);
      } catch (error) {
        if (tries > 200) throw error;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    const seqs = messagesOf(await readAll(reader)).map((m) => m.seqNo);
    expect(await child).toBe(0);
    expect(seqs.slice(0, -1)).toEqual(Array.from({ length: 150 }, (_, i) => BigInt(i)));
    expect(reader.end?.state).toBe('eos');
    expect(reader.problems).toEqual([]);
    await reader.close();
  }, 300_000);

  it('ends with FILE_REMOVED state when the file is deleted, or shrinks', async () => {
    for (const how of ['delete', 'shrink'] as const) {
      const path = join(dir, `removed-${how}.ss`);
      writeFileSync(path, writeSeaStreamer([msg(1), msg(2)], { fileName: 'r.ss', beaconInterval: 1024 }));
      const reader = await followSeaStreamerFile(path);
      // Once both messages were read the follower waits for growth: delete or shrink the file under it then.
      const seen = await readUntil(reader, 2, () => (how === 'delete' ? unlinkSync(path) : truncateSync(path, 100)));
      expect(seen).toEqual([1n, 2n]);
      expect(reader.end?.state).toBe('removed');
      await reader.close();
    }
  });

  it('waitForFile: follows a file created later; without it a missing file is IO_ERROR', async () => {
    const path = join(dir, 'later.ss');
    await expect(followSeaStreamerFile(path)).rejects.toMatchObject({ code: 'IO_ERROR' });
    setTimeout(
      () => writeFileSync(path, writeSeaStreamer([msg(1)], { fileName: 'l.ss', beaconInterval: 256, eos: 1n })),
      100,
    );
    const reader = await followSeaStreamerFile(path, { waitForFile: true });
    const seen = messagesOf(await readAll(reader)).map((m) => m.seqNo);
    expect(seen).toEqual([1n, 0n]);
    expect(reader.end?.state).toBe('eos');
    await reader.close();
  });

  it('optional idle timeout: the read ends with the state idle; from: end starts after the last message', async () => {
    const path = join(dir, 'idle.ss');
    const bytes = writeSeaStreamer([msg(1), msg(2), msg(3)], { fileName: 'i.ss', beaconInterval: 256 });
    writeFileSync(path, bytes);
    const started = Date.now();
    const reader = await followSeaStreamerFile(path, { idleTimeout: 150, from: 'end' });
    expect(await nextMessage(reader)).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(reader.end).toMatchObject({ state: 'idle', offset: bytes.length, messages: 0 });
    await reader.close();
    // From the start, the messages, then idle.
    const again = await followSeaStreamerFile(path, { idleTimeout: 100 });
    expect(messagesOf(await readAll(again)).map((m) => m.seqNo)).toEqual([1n, 2n, 3n]);
    expect(again.end).toMatchObject({ state: 'idle', offset: bytes.length, messages: 3, complete: true });
    await again.close();
  });

  it('a signal ends the read with the state aborted; so does close() during a pending read', async () => {
    const path = join(dir, 'abort.ss');
    const bytes = writeSeaStreamer([msg(1), msg(2)], { fileName: 'a.ss', beaconInterval: 256 });
    writeFileSync(path, bytes);
    const controller = new AbortController();
    const reader = await followSeaStreamerFile(path, { signal: controller.signal });
    expect(await readUntil(reader, 2, () => controller.abort())).toEqual([1n, 2n]);
    expect(reader.end).toMatchObject({ state: 'aborted', offset: bytes.length, messages: 2 });
    await reader.close();
    // close() while the next read is pending (the follower waits for growth after the two messages).
    const other = await followSeaStreamerFile(path);
    const records = other[Symbol.asyncIterator]();
    expect([(await records.next()).value?.offset, (await records.next()).value?.offset]).toEqual(
      readSeaStreamer(bytes).messages.map((m) => m.offset),
    );
    const pending = records.next();
    await other.close();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(other.end).toMatchObject({ state: 'limit', offset: bytes.length });
  });
});

describe('stats', () => {
  it('exact per-stream statistics and a beacon-based estimate', async () => {
    const messages = Array.from({ length: 3000 }, (_, i) => ({
      streamKey: ['alpha', 'beta', 'gamma'][i % 3]!,
      shardId: 0n,
      seqNo: BigInt(Math.floor(i / 3) + 1),
      timestamp: BigInt(5000 + i),
      payload: new Uint8Array(20 + (i % 50)),
    }));
    const bytes = writeSeaStreamer(messages, { fileName: 'st.ss', beaconInterval: 4096, eos: 1n });
    const stats = await computeStats(bytes);
    expect(stats.messageCount).toBe(3001);
    expect(stats.ended).toBe(true);
    const alpha = stats.streams.find((s) => s.streamKey === 'alpha')!;
    expect(alpha).toMatchObject({
      messageCount: 1000,
      minSeqNo: 1n,
      maxSeqNo: 1000n,
      minTimestamp: 5000n,
      maxTimestamp: 5000n + 2997n,
    });
    expect(alpha.payloadBytes).toBe(
      messages.filter((m) => m.streamKey === 'alpha').reduce((n, m) => n + m.payload.length, 0),
    );
    expect(stats.beaconCount).toBe(Math.floor((bytes.length - 1) / 4096));
    const estimate = await computeStats(bytes, { estimate: true });
    expect(estimate.estimated).toBe(true);
    for (const s of stats.streams) {
      const e = estimate.streams.find((x) => x.streamKey === s.streamKey && x.shardId === s.shardId)!;
      expect([e.minSeqNo, e.maxSeqNo, e.minTimestamp, e.maxTimestamp, e.messageCount]).toEqual([
        s.minSeqNo,
        s.maxSeqNo,
        s.minTimestamp,
        s.maxTimestamp,
        s.messageCount,
      ]);
    }
    expect(estimate.ended).toBe(true);
  });
});

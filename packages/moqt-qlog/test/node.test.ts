import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TraceEvent } from '@x/moqtrace';
import { afterAll, describe, expect, it } from 'vitest';
import { readQlog } from '../src/index.js';
import { createQlogFileWriter, openQlogFile, writeQlogFile } from '../src/node/index.js';
import { renderings } from './helpers/moqtrace.js';
import { moqRsSequential, moxygenMlog } from './helpers/producers.js';
import { HEADER, sampleEvents } from './helpers/sample.js';

const dir = mkdtempSync(join(tmpdir(), 'moqt-qlog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('@x/moqt-qlog/node', () => {
  it('writes a file atomically and reads it back', async () => {
    const path = join(dir, 'session.sqlog');
    const writer = await createQlogFileWriter(path, { header: HEADER });
    for (const event of sampleEvents()) await writer.write(event);
    expect(existsSync(path)).toBe(false);
    const stats = await writer.close();
    expect(stats.events).toBe(12);
    expect(readFileSync(path).length).toBe(stats.bytes);
    const reader = await openQlogFile(path);
    const events: TraceEvent[] = [];
    for await (const record of reader) if (record.kind === 'event') events.push(record.event);
    expect(renderings(events)).toEqual(renderings(sampleEvents()));
    expect(reader.header).toEqual(HEADER);
  });

  it('an aborted or failed export leaves no file behind', async () => {
    const path = join(dir, 'aborted.qlog');
    await expect(
      writeQlogFile(path, HEADER, [
        sampleEvents()[0] as TraceEvent,
        { type: 'bogus', seq: 1, timestamp: 0 } as unknown as TraceEvent,
      ]),
    ).rejects.toThrow(/unknown event type/);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.includes('aborted'))).toEqual([]);
  });

  it('gives files with a relative clock the modification time as start, and the connection id as session', async () => {
    const path = join(dir, '0a1b2c3d4e5f_server.mlog');
    writeFileSync(path, moqRsSequential());
    utimesSync(path, 1_700_000_123, 1_700_000_123);
    const reader = await openQlogFile(path);
    expect(reader.header).toMatchObject({ startTime: 1_700_000_123_000, sessionId: '0a1b2c3d4e5f' });
    await reader.close();
    const moxygen = join(dir, 'mlog.txt');
    writeFileSync(moxygen, moxygenMlog());
    const second = await openQlogFile(moxygen, { startTime: 5 });
    expect(second.header.startTime).toBe(5);
    let count = 0;
    for await (const _ of second) count++;
    expect(count).toBe(readQlog(moxygenMlog()).events.length);
  });

  it('a missing file is IO_ERROR', async () => {
    await expect(openQlogFile(join(dir, 'nope.qlog'))).rejects.toMatchObject({ code: 'IO_ERROR' });
  });
});

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { readTrace, type TraceEnd, type TraceEvent, type TraceProblem, writeTrace } from '../src/index.js';
import { type FollowTraceOptions, followTraceFile } from '../src/node/index.js';
import { HEADER, sampleEvents } from './helpers/generate.js';

const dir = mkdtempSync(join(tmpdir(), 'moqtrace-follow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A writer in another process, driven line by line: a number appends `source` up to that offset to `target`, and
 * `remove` deletes `target`; each command is acknowledged on stdout once done. The test decides when the next slice
 * is written (after the follower consumed the previous one): no timer decides anything.
 */
function writer(source: string, target: string) {
  const script = `
    const fs = require('node:fs');
    const bytes = fs.readFileSync(${JSON.stringify(source)});
    const fd = fs.openSync(${JSON.stringify(target)}, 'a');
    let at = 0;
    require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
      if (line === 'remove') {
        fs.closeSync(fd);
        fs.unlinkSync(${JSON.stringify(target)});
        process.stdout.write('removed\\n', () => process.exit(0));
        return;
      }
      const end = Number(line);
      fs.writeSync(fd, bytes.subarray(at, end));
      at = end;
      process.stdout.write(end + '\\n');
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const acks = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return {
    /** Sends one command and waits for its acknowledgement. */
    async send(command: string | number): Promise<void> {
      child.stdin.write(`${command}\n`);
      const ack = await acks.next();
      expect(ack.value).toBe(command === 'remove' ? 'removed' : String(command));
    },
    exited,
  };
}

/** Resolves once `condition()` holds, checking it every 2 ms: a wait for a condition, however long it takes. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
}

/** Follows `path` to its end, collecting events, problems and how many batches arrived. */
async function follow(path: string, options: FollowTraceOptions = {}, afterBatch?: (events: number) => void) {
  const events: TraceEvent[] = [];
  const problems: TraceProblem[] = [];
  let batches = 0;
  const reader = await followTraceFile(path, { ...options, onProblem: (p) => problems.push(p) });
  for (let batch = await reader.nextBatch(); batch; batch = await reader.nextBatch()) {
    batches++;
    for (const record of batch) if (record.kind === 'event') events.push(record.event);
    afterBatch?.(events.length);
  }
  return { events, problems, batches, end: reader.end as TraceEnd };
}

describe('followTraceFile', () => {
  it('reads a trace written by another process in slices that split events, and ends removed on deletion', async () => {
    const bytes = writeTrace({ header: HEADER, events: sampleEvents(30) });
    const expected = readTrace(bytes);
    const offsets = expected.segments[0]!.eventOffsets;
    const source = join(dir, 'source.moqtrace');
    const target = join(dir, 'live.moqtrace');
    writeFileSync(source, bytes);
    writeFileSync(target, ''); // not even the preamble yet
    const child = writer(source, target);
    // Slices cut inside the preamble, the header, and then in the middle of every fourth event.
    for (const cut of [5, 9, expected.segments[0]!.eventsOffset - 3]) await child.send(cut);
    const slices: number[] = [];
    for (let i = 0; i < offsets.length; i += 4) slices.push(offsets[i]! + 2);
    slices.push(bytes.length);
    await child.send(slices[0]!); // the header is complete: the follower can open
    const events: TraceEvent[] = [];
    const problems: TraceProblem[] = [];
    let batches = 0;
    const reader = await followTraceFile(target, { waitForFile: true, onProblem: (p) => problems.push(p) });
    const reading = (async () => {
      for (let batch = await reader.nextBatch(); batch; batch = await reader.nextBatch()) {
        batches++;
        for (const record of batch) if (record.kind === 'event') events.push(record.event);
      }
    })();
    // Each further slice is written once the follower has read the one before.
    for (const [i, cut] of slices.entries()) {
      await until(() => reader.position >= cut);
      await child.send(i + 1 < slices.length ? slices[i + 1]! : 'remove');
    }
    await reading;
    expect(await child.exited).toBe(0);
    expect(problems).toEqual([]);
    expect(events).toEqual(expected.events);
    // Every slice after the first completes events the follower handed out before the next slice existed.
    expect(batches).toBeGreaterThanOrEqual(slices.length - 1);
    expect(reader.end).toMatchObject({ state: 'removed', offset: bytes.length, events: 30, complete: false });
  });

  it('ends idle after idleTimeout, at the next item or inside one (its bytes left over)', async () => {
    const bytes = writeTrace({ header: HEADER, events: sampleEvents(5) });
    const offsets = readTrace(bytes).segments[0]!.eventOffsets;
    const path = join(dir, 'idle.moqtrace');
    writeFileSync(path, bytes);
    expect((await follow(path, { idleTimeout: 30 })).end).toMatchObject({
      state: 'idle',
      offset: bytes.length,
      trailingBytes: 0,
      events: 5,
      complete: true,
    });
    writeFileSync(path, bytes.subarray(0, bytes.length - 2));
    const cut = await follow(path, { idleTimeout: 30 });
    expect(cut.end).toMatchObject({ state: 'idle', offset: offsets[4], events: 4, complete: false });
    expect(cut.end.trailingBytes).toBe(bytes.length - 2 - offsets[4]!);
    expect(cut.problems).toEqual([]);
  });

  it('starts at the end of the file with from: end', async () => {
    const bytes = writeTrace({ header: HEADER, events: sampleEvents(5) });
    const path = join(dir, 'from-end.moqtrace');
    writeFileSync(path, bytes);
    const { events, end } = await follow(path, { idleTimeout: 30, from: 'end' });
    expect(events).toEqual([]);
    expect(end).toMatchObject({ state: 'idle', events: 5 });
  });

  it('stops on the abort signal and on a file that shrinks below the read position', async () => {
    const bytes = writeTrace({ header: HEADER, events: sampleEvents(5) });
    const path = join(dir, 'stop.moqtrace');
    writeFileSync(path, bytes);
    // Once every event was read, the follower waits for growth: abort it, or shrink the file under it.
    const controller = new AbortController();
    const aborted = await follow(path, { signal: controller.signal }, (n) => n === 5 && controller.abort());
    expect(aborted.end).toMatchObject({ state: 'aborted', events: 5, offset: bytes.length });

    const shrunk = await follow(path, { maxPollInterval: 16 }, (n) => n === 5 && truncateSync(path, 10));
    expect(shrunk.end).toMatchObject({ state: 'removed', events: 5, complete: false });
  });

  it('rejects a missing file with IO_ERROR and a non-trace with BAD_MAGIC', async () => {
    await expect(followTraceFile(join(dir, 'missing.moqtrace'))).rejects.toMatchObject({ code: 'IO_ERROR' });
    await expect(
      followTraceFile(join(dir, 'never.moqtrace'), { waitForFile: true, idleTimeout: 30 }),
    ).rejects.toMatchObject({ code: 'TIMED_OUT' });
    const path = join(dir, 'text.moqtrace');
    writeFileSync(path, 'definitely not a trace file');
    await expect(followTraceFile(path, { idleTimeout: 20 })).rejects.toMatchObject({ code: 'BAD_MAGIC' });
  });
});

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeTrace, readTrace, type TraceEvent, type TraceProblem } from '../src/index.js';
import { followTrace } from '../src/node/index.js';
import { HEADER, sampleEvents } from './helpers/generate.js';

const dir = mkdtempSync(join(tmpdir(), 'moqtrace-follow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A writer in another process: appends `source` to `target` in slices ending at `cuts`, then deletes it. */
function writer(source: string, target: string, cuts: number[], pauseMs: number, remove: boolean) {
  const script = `
    const fs = require('node:fs');
    const bytes = fs.readFileSync(${JSON.stringify(source)});
    const cuts = ${JSON.stringify(cuts)};
    const fd = fs.openSync(${JSON.stringify(target)}, 'a');
    let at = 0, i = 0;
    const step = () => {
      if (i === cuts.length) { fs.closeSync(fd); if (${remove}) setTimeout(() => fs.unlinkSync(${JSON.stringify(target)}), ${pauseMs}); return; }
      const end = cuts[i++];
      fs.writeSync(fd, bytes.subarray(at, end)); at = end;
      setTimeout(step, ${pauseMs});
    };
    step();`;
  const child = spawn(process.execPath, ['-e', script], { stdio: 'inherit' });
  return new Promise<number | null>((resolve) => child.on('exit', resolve));
}

describe('followTrace', () => {
  it('reads a trace written by another process in slices that split events, and ends removed on deletion', async () => {
    const bytes = encodeTrace({ header: HEADER, events: sampleEvents(30) });
    const expected = readTrace(bytes);
    const offsets = expected.segments[0]!.eventOffsets;
    const source = join(dir, 'source.moqtrace');
    const target = join(dir, 'live.moqtrace');
    writeFileSync(source, bytes);
    writeFileSync(target, ''); // not even the preamble yet
    // cut inside the preamble, the header, and in the middle of events
    const cuts = [5, 9, expected.segments[0]!.eventsOffset - 3];
    for (let i = 0; i < offsets.length; i += 4) cuts.push(offsets[i]! + 2);
    cuts.push(bytes.length);
    const events: TraceEvent[] = [];
    const problems: TraceProblem[] = [];
    let chunks = 0;
    const writing = writer(source, target, cuts, 15, true);
    const end = await followTrace(
      target,
      { event: (e) => events.push(e), problem: (p) => problems.push(p) },
      {
        afterChunk: () => {
          chunks++;
          return undefined;
        },
      },
    );
    expect(await writing).toBe(0);
    expect(problems).toEqual([]);
    expect(events).toEqual(expected.events);
    expect(chunks).toBeGreaterThan(5);
    expect(end).toMatchObject({ reason: 'removed', stoppedBy: 'removed', offset: bytes.length, events: 30 });
  });

  it('ends with the file state after idleTimeout: eof, or truncated inside an item', async () => {
    const bytes = encodeTrace({ header: HEADER, events: sampleEvents(5) });
    const path = join(dir, 'idle.moqtrace');
    writeFileSync(path, bytes);
    expect(await followTrace(path, {}, { idleTimeout: 30 })).toMatchObject({
      reason: 'eof',
      stoppedBy: 'idle',
      events: 5,
      complete: true,
    });
    writeFileSync(path, bytes.subarray(0, bytes.length - 2));
    const problems: TraceProblem[] = [];
    expect(await followTrace(path, { problem: (p) => problems.push(p) }, { idleTimeout: 30 })).toMatchObject({
      reason: 'truncated',
      events: 4,
    });
    expect(problems.map((p) => p.code)).toEqual(['TRUNCATED']);
  });

  it('stops on the abort signal and on a file that shrinks below the read position', async () => {
    const bytes = encodeTrace({ header: HEADER, events: sampleEvents(5) });
    const path = join(dir, 'stop.moqtrace');
    writeFileSync(path, bytes);
    const controller = new AbortController();
    const following = followTrace(path, {}, { signal: controller.signal });
    setTimeout(() => controller.abort(), 40);
    expect(await following).toMatchObject({ reason: 'eof', stoppedBy: 'signal', events: 5 });

    const shrinking = followTrace(path, {}, { watch: false });
    setTimeout(() => truncateSync(path, 10), 40);
    expect(await shrinking).toMatchObject({ reason: 'removed', events: 5, complete: false });
  });

  it('rejects a missing file with IO_ERROR and a non-trace with BAD_MAGIC', async () => {
    await expect(followTrace(join(dir, 'missing.moqtrace'), {})).rejects.toMatchObject({ code: 'IO_ERROR' });
    const path = join(dir, 'text.moqtrace');
    writeFileSync(path, 'definitely not a trace file');
    await expect(followTrace(path, {}, { idleTimeout: 20 })).rejects.toMatchObject({ code: 'BAD_MAGIC' });
  });
});

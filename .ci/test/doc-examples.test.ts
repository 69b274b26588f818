// Every TypeScript example of the documentation runs verbatim, in a folder holding the sample recordings the
// examples name: session.moqtrace (a MoQT client session), recording.ss and live.ss (a multi-stream .ss file that
// ends with EOS), session.sqlog (the session as qlog). An example that throws, or does not finish within the
// timeout (a follower that never stops), fails.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeQlog } from '@x/moqt-qlog';
import { readTrace, type TraceEvent, writeTrace } from '@x/moqtrace';
import { writeSeaStreamer } from '@x/seastreamer-file';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractExamples, repositoryExamples } from '../doc-examples.mjs';

const root = new URL('../..', import.meta.url).pathname;
const examples = repositoryExamples(root);
const scratch = join(root, '.ci/.doc-examples');
let sandbox = '';
const cwd = process.cwd();

function sessionEvents(): TraceEvent[] {
  const ns = [new TextEncoder().encode('live')];
  const name = new TextEncoder().encode('video');
  const events: TraceEvent[] = [
    {
      type: 'control',
      seq: 0,
      timestamp: 0,
      direction: 0,
      messageType: 0x20,
      message: { type: 'client_setup', supported_versions: [0xff00000e] },
      streamId: 0n,
    },
    {
      type: 'control',
      seq: 1,
      timestamp: 900,
      direction: 1,
      messageType: 0x21,
      message: { type: 'server_setup', selected_version: 0xff00000e },
      streamId: 0n,
    },
    {
      type: 'control',
      seq: 2,
      timestamp: 1500,
      direction: 0,
      messageType: 3,
      message: { type: 'subscribe', request_id: 1, track_namespace: ns, track_name: name },
      streamId: 0n,
    },
    {
      type: 'control',
      seq: 3,
      timestamp: 2400,
      direction: 1,
      messageType: 4,
      message: { type: 'subscribe_ok', request_id: 1, track_alias: 1 },
      streamId: 0n,
    },
  ];
  let seq = 4;
  for (let group = 0; group < 3; group++) {
    const sid = BigInt(3 + 4 * group);
    events.push({
      type: 'stream-opened',
      seq: seq++,
      timestamp: 3000 + group * 1000,
      streamId: sid,
      direction: 1,
      streamType: 0,
      trackAlias: 1n,
      subgroupId: 0n,
    });
    for (let object = 0; object < 3; object++) {
      const timestamp = 3100 + group * 1000 + object * 100;
      events.push({
        type: 'object-header',
        seq: seq++,
        timestamp,
        streamId: sid,
        groupId: BigInt(group),
        objectId: BigInt(object),
        publisherPriority: 128,
        objectStatus: 0,
      });
      events.push({
        type: 'object-payload',
        seq: seq++,
        timestamp,
        streamId: sid,
        groupId: BigInt(group),
        objectId: BigInt(object),
        size: 1200,
      });
    }
    events.push({ type: 'stream-closed', seq: seq++, timestamp: 3900 + group * 1000, streamId: sid, errorCode: 0 });
  }
  return events;
}

beforeAll(() => {
  mkdirSync(scratch, { recursive: true });
  sandbox = mkdtempSync(join(tmpdir(), 'x-doc-examples-'));
  const header = {
    protocol: 'moq-transport-14',
    perspective: 'client',
    detail: 'headers+sizes',
    startTime: 1767268800000,
    source: 'docs',
  };
  const trace = writeTrace({ header, events: sessionEvents() });
  writeFileSync(join(sandbox, 'session.moqtrace'), trace);
  writeFileSync(join(sandbox, 'session.sqlog'), writeQlog({ segments: readTrace(trace).segments }));
  const messages = [];
  for (let i = 0; i < 200; i++) {
    const streamKey = ['orders', 'prices', 'audit'][i % 3] as string;
    messages.push({
      streamKey,
      shardId: 0n,
      seqNo: BigInt(Math.floor(i / 3)),
      timestamp: 1700000000000n + BigInt(i * 10),
      payload: `{"n":${i}}`,
    });
  }
  const ss = writeSeaStreamer(messages, { fileName: 'recording.ss', beaconInterval: 1024, eos: true });
  writeFileSync(join(sandbox, 'recording.ss'), ss);
  writeFileSync(join(sandbox, 'live.ss'), ss);
  process.chdir(sandbox);
});

afterAll(() => {
  process.chdir(cwd);
  rmSync(sandbox, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

describe('example extraction', () => {
  it('finds ts blocks with their line, skips no-run fragments and other languages', () => {
    const text = [
      '# T',
      '```ts',
      'const a = 1;',
      '```',
      '```sh',
      'pnpm test',
      '```',
      '```ts no-run',
      'f(): void',
      '```',
    ].join('\n');
    expect(extractExamples(text)).toEqual([{ line: 2, code: 'const a = 1;\n' }]);
  });

  it('the documentation has examples to run', () => {
    expect(examples.length).toBeGreaterThan(5);
  });
});

describe('documentation examples run verbatim', () => {
  examples.forEach((example, index) => {
    it(`${example.file}:${example.line}`, { timeout: 60_000 }, async () => {
      const path = join(scratch, `example-${index}.ts`);
      writeFileSync(path, example.code);
      const log = console.log;
      console.log = () => {};
      try {
        await import(path);
      } finally {
        console.log = log;
      }
    });
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readQlog } from '@x/moqt-qlog';
import { readTrace, type TraceEvent, type TraceHeader, writeTrace } from '@x/moqtrace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpus, parseNdjson, tempDir, xtrace } from './helpers.js';

// qlog/mlog in the CLI: export (.sqlog JSON-SEQ, .qlog contained JSON, the options of @x/moqt-qlog), import,
// and every read command and `view` on qlog input, on files shaped like the producers' (built here).

const START = 1_700_000_000_000;

function trace(): { header: TraceHeader; events: TraceEvent[] } {
  return {
    header: { protocol: 'moq-transport-14', perspective: 'client', detail: 'headers+data', startTime: START },
    events: [
      {
        type: 'control',
        seq: 0,
        timestamp: 100,
        direction: 0,
        messageType: 3,
        message: { type: 'subscribe', request_id: 1, track_namespace: ['live'], track_name: 'video' },
      },
      {
        type: 'control',
        seq: 1,
        timestamp: 900,
        direction: 1,
        messageType: 4,
        message: { type: 'subscribe_ok', request_id: 1, track_alias: 5 },
      },
      { type: 'stream-opened', seq: 2, timestamp: 1000, streamId: 3n, direction: 1, streamType: 0 },
      {
        type: 'object-payload',
        seq: 3,
        timestamp: 1200,
        streamId: 3n,
        groupId: 0n,
        objectId: 0n,
        size: 5,
        payload: new TextEncoder().encode('hello'),
      },
      { type: 'annotation', seq: 4, timestamp: 5000, label: 'note', data: { n: 1 } },
    ] as TraceEvent[],
  };
}

/** moxygen's shape: no header, concatenated pretty-printed objects, string nanosecond times, digit strings. */
function moxygenShaped(): string {
  const pretty = (v: unknown) => JSON.stringify(v, null, 2).replace(/": /g, '" : ');
  const ev = (time: string, name: string, data: unknown) => ({ vantagePoint: 'client', name, time, data });
  return `${[
    ev('1000000', 'moqt:control_message_created', {
      streamId: '0',
      message: { type: 'client_setup', version: ['4278190094'], number_of_parameters: '0', setup_parameters: [] },
    }),
    ev('2500000', 'moqt:control_message_parsed', {
      streamId: '0',
      message: { type: 'server_setup', version: '4278190094', number_of_parameters: '0', setup_parameters: [] },
    }),
    ev('3000000', 'moqt:control_message_created', {
      streamId: '0',
      message: { type: 'subscribe', request_id: '1', track_namespace: ['live', 'room'], track_name: 'video' },
    }),
    ev('4000000', 'moqt:control_message_parsed', {
      streamId: '0',
      message: { type: 'subscribe_ok', request_id: '1', track_alias: '5' },
    }),
  ]
    .map(pretty)
    .join('\n')}\n`;
}

/** imquic's shape: JSON-SEQ with a qlog header, absolute ms times. */
function imquicShaped(): string {
  const rs = '\u001e';
  const header = {
    file_schema: 'urn:ietf:params:qlog:file:sequential',
    serialization_format: 'application/qlog+json-seq',
    title: 'imquic-client',
    trace: {
      common_fields: {
        time_format: 'relative_to_epoch',
        reference_time: { clock_type: 'system', epoch: '1970-01-01T00:00:00.000Z' },
      },
      vantage_point: { name: 'imquic 0.0.1', type: 'client' },
    },
  };
  const t0 = 1_767_225_600_123;
  const events = [
    {
      time: t0,
      name: 'moqt:control_message_created',
      data: { stream_id: 2, message: { type: 'client_setup', number_of_parameters: 0 } },
    },
    {
      time: t0 + 3,
      name: 'moqt:control_message_created',
      data: {
        stream_id: 4,
        message: {
          type: 'subscribe',
          request_id: 0,
          track_namespace: [{ value: 'live' }],
          track_name: { value: 'clock' },
        },
      },
    },
    {
      time: t0 + 9,
      name: 'moqt:control_message_parsed',
      data: { stream_id: 4, message: { type: 'subscribe_ok', request_id: 0, track_alias: 1 } },
    },
  ];
  return [header, ...events].map((o) => `${rs}${JSON.stringify(o)}\n`).join('');
}

describe('qlog in the CLI', () => {
  const tmp = tempDir();
  const file = join(tmp.dir, 'gen.moqtrace');
  const mlog = join(tmp.dir, 'mlog_client.txt');
  const imquic = join(tmp.dir, 'imquic.sqlog');
  beforeAll(() => {
    writeFileSync(file, writeTrace(trace()));
    writeFileSync(mlog, moxygenShaped());
    writeFileSync(imquic, imquicShaped());
  });
  afterAll(() => tmp.cleanup());

  it('convert to .sqlog writes JSON-SEQ that reads back as the same events', async () => {
    const out = join(tmp.dir, 'out.sqlog');
    const r = await xtrace(['convert', file, out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const bytes = readFileSync(out);
    expect(bytes[0]).toBe(0x1e);
    const header = JSON.parse(bytes.toString('utf8').split('\u001e')[1]!);
    expect(header.file_schema).toBe('urn:ietf:params:qlog:file:sequential');
    const back = readQlog(new Uint8Array(bytes));
    expect(back.events.map((e) => [e.type, e.seq, e.timestamp])).toEqual(
      readTrace(readFileSync(file)).events.map((e) => [e.type, e.seq, e.timestamp]),
    );
    // and back to .moqtrace: the same canonical events
    const again = join(tmp.dir, 'again.moqtrace');
    expect((await xtrace(['convert', out, again])).code).toBe(0);
    const a = await xtrace(['cat', file, '--format', 'events']);
    expect((await xtrace(['cat', again, '--format', 'events'])).stdout).toBe(a.stdout);
  });

  it('.qlog is contained JSON; --to qlog with --qlog-format, --draft, --generic and --qvis', async () => {
    const contained = join(tmp.dir, 'out.qlog');
    expect((await xtrace(['convert', file, contained, '--qvis'])).code).toBe(0);
    const json = JSON.parse(readFileSync(contained, 'utf8'));
    expect(json.file_schema).toBe('urn:ietf:params:qlog:file:contained');
    expect(json.qlog_version).toBe('0.3');
    expect(json.traces[0].events.length).toBeGreaterThan(0);
    const seq = await xtrace(['convert', file, '-', '--to', 'qlog', '--draft', '7']);
    expect(seq.code).toBe(0);
    const first = JSON.parse(seq.stdout.split('\u001e')[1]!);
    expect(first.qlog_version).toBeUndefined();
    expect(first.trace.event_schemas).toContain('urn:ietf:params:qlog:events:moqt-07');
    expect(first.trace.event_schemas).toContain('urn:x-moqtrace:qlog-events:1');
    const generic = await xtrace(['convert', file, '-', '--to', 'qlog', '--generic']);
    const genericHeader = JSON.parse(generic.stdout.split('\u001e')[1]!);
    expect(genericHeader.trace.event_schemas).not.toContain('urn:x-moqtrace:qlog-events:1');
    expect(generic.stdout).toContain('"loglevel:info"');
    expect(generic.stdout).not.toMatch(/"name":"moqtrace:/);
    const asContained = await xtrace(['convert', file, '-', '--to', 'qlog', '--qlog-format', 'contained']);
    expect(JSON.parse(asContained.stdout).traces).toHaveLength(1);
    const wrong = await xtrace(['convert', file, join(tmp.dir, 'x.moqtrace'), '--qvis']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/apply to qlog output only/);
  });

  it('info, cat, stats and validate read producer-shaped qlog/mlog directly (format from the content)', async () => {
    for (const input of [mlog, imquic]) {
      const info = await xtrace(['info', input, '--json']);
      expect(info.code, input).toBe(0);
      const i = JSON.parse(info.stdout);
      expect(i.format).toBe('qlog');
      expect(i.counts.control).toBeGreaterThanOrEqual(3);
      const log = await xtrace(['cat', input, '--format', 'log']);
      expect(log.code).toBe(0);
      expect(log.stdout).toMatch(/SUBSCRIBE request_id=\d+ live/);
      const stats = JSON.parse((await xtrace(['stats', input, '--json'])).stdout);
      expect(stats.tracks[0]).toMatchObject({ request: 'subscribe', status: 'active' });
      const v = await xtrace(['validate', input]);
      expect(v.code).toBe(0);
      expect(v.stdout).toMatch(/: ok \(qlog, 1 segment, \d+ events, end: eof/);
    }
    const text = await xtrace(['info', mlog]);
    expect(text.stdout).toMatch(/MoQT version +0xff00000e \(draft-14\)/);
    expect(text.stdout).toMatch(/format +qlog \(concatenated\), read as MoQT trace events/);
    const records = parseNdjson((await xtrace(['cat', imquic])).stdout);
    expect(records[0]).toMatchObject({ kind: 'header', format: 'qlog', segment: 0 });
    expect(records.at(-1)).toMatchObject({ kind: 'end', state: 'eof', events: 3 });
  });

  it('convert in.sqlog out.moqtrace and mlog to .moqtrace; cat from stdin', async () => {
    const out = join(tmp.dir, 'imquic.moqtrace');
    expect((await xtrace(['convert', imquic, out])).code).toBe(0);
    const t = readTrace(new Uint8Array(readFileSync(out)));
    expect(t.problems).toEqual([]);
    expect(t.events.map((e) => e.type)).toEqual(['control', 'control', 'control']);
    const fromMlog = join(tmp.dir, 'mlog.moqtrace');
    expect((await xtrace(['convert', mlog, fromMlog])).code).toBe(0);
    expect(readTrace(new Uint8Array(readFileSync(fromMlog))).events).toHaveLength(4);
    const piped = await xtrace(['cat', '-', '--format', 'events'], { input: readFileSync(imquic) });
    expect(piped.code).toBe(0);
    expect(parseNdjson(piped.stdout)).toHaveLength(3);
  });

  it('a qlog file cut in its last record is truncated (exit 1) for every read command', async () => {
    const text = imquicShaped();
    const cut = join(tmp.dir, 'cut.sqlog');
    writeFileSync(cut, text.slice(0, text.length - 20));
    for (const command of ['info', 'stats', 'validate', 'cat']) {
      const r = await xtrace([command, cut]);
      expect(r.code, command).toBe(1);
      expect(r.stdout + r.stderr, command).toMatch(/TRUNCATED at offset \d+/);
    }
  });

  const v1 = corpus('moqtrace');
  it.skipIf(!v1.present)(
    'corpus traces come back from .moqtrace -> .sqlog -> .moqtrace as their normal form, byte for byte',
    { timeout: 300_000 },
    async () => {
      const names = [
        'all-event-types-full',
        'bigint-and-wide-integers',
        'byte-string-encodings',
        'annotation-nested-data',
      ];
      for (const name of names) {
        const source = join(v1.dir, `${name}.moqtrace`);
        const sq = join(tmp.dir, `${name}.sqlog`);
        const back = join(tmp.dir, `${name}.back.moqtrace`);
        expect((await xtrace(['convert', source, sq])).code, name).toBe(0);
        expect((await xtrace(['convert', sq, back])).code, name).toBe(0);
        // the trace in normal form (wide integers in opaque values read back as bigints: spec of the normal form)
        const normal = join(tmp.dir, `${name}.normal.moqtrace`);
        expect((await xtrace(['convert', source, normal])).code, name).toBe(0);
        expect(readFileSync(back).equals(readFileSync(normal)), name).toBe(true);
      }
    },
  );
});

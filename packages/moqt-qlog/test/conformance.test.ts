import { createMemorySink } from '@x/binary';
import { describe, expect, it } from 'vitest';
import { createQlogWriter, MOQTRACE_SCHEMA, openQlogReader, readQlog, writeQlog } from '../src/index.js';
import { checkStructure, jsonSeqRecords } from './helpers/checks.js';
import { corpusFiles, loadBytes, type MoqtraceFile, readMoqtrace, renderings } from './helpers/moqtrace.js';

// Round trip .moqtrace -> qlog -> .moqtrace over both conformance corpora: identical canonical renderings for
// every file that is neither truncated nor malformed. Corpora are read in place; CI fails when they are absent.

const corpora = [corpusFiles('moqtrace'), corpusFiles('moqtrace-v2')];

describe('conformance corpora', () => {
  it('are present (required when CI=true)', () => {
    const missing = corpora.filter((corpus) => !corpus.present).map((corpus) => corpus.dir);
    if (process.env.CI === 'true') expect(missing).toEqual([]);
    else if (missing.length > 0) console.warn(`[moqt-qlog conformance] corpus missing: ${missing.join(', ')}`);
  });
});

interface Case {
  name: string;
  trace: MoqtraceFile;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const corpus of corpora) {
    for (const path of corpus.files) {
      let trace: MoqtraceFile;
      try {
        trace = readMoqtrace(loadBytes(path));
      } catch {
        continue; // files that cannot be opened (bad magic, cut preamble or header)
      }
      if (trace.complete) out.push({ name: path.split('/').slice(-2).join('/'), trace });
    }
  }
  return out;
}

const all = cases();
const LARGE = 50_000;

describe.each(all)('$name', ({ trace }) => {
  const expected = renderings(trace.events);
  const large = trace.events.length > LARGE;

  it('JSON-SEQ: round trip gives the same events and headers; every record is RS + one JSON text + LF', () => {
    const bytes = writeQlog({ segments: trace.segments });
    const back = readQlog(bytes);
    expect(back.problems).toEqual([]);
    expect(back.end).toMatchObject({ state: 'eof', complete: true, events: trace.events.length });
    expect(renderings(back.events)).toEqual(expected);
    expect(back.segments.map((segment) => segment.header)).toEqual(trace.segments.map((segment) => segment.header));
    const [header, ...events] = jsonSeqRecords(bytes);
    const file = header as Record<string, unknown>;
    const used = checkStructure(file, file.trace as Record<string, unknown>, events);
    const schemas = (file.trace as { event_schemas: string[] }).event_schemas;
    expect(schemas.includes(MOQTRACE_SCHEMA)).toBe(used.has('moqtrace'));
  }, 300_000);

  it('contained JSON: the file parses as one JSON document and round-trips', () => {
    const bytes = writeQlog({ segments: trace.segments }, { format: 'contained' });
    const back = readQlog(bytes);
    expect(back.framing).toBe('contained');
    expect(back.problems).toEqual([]);
    expect(renderings(back.events)).toEqual(expected);
    const file = JSON.parse(new TextDecoder().decode(bytes));
    expect(file.traces).toHaveLength(1);
    checkStructure(file, file.traces[0], file.traces[0].events);
  }, 300_000);

  it('streaming: the writer over a sink and the reader over small chunks give the same', async () => {
    const first = trace.segments[0];
    if (first === undefined) throw new Error('no segment');
    const options = { commonGroupId: !trace.events.some((e) => e.peer !== undefined), declarePrivateSchema: true };
    const sink = createMemorySink();
    const writer = createQlogWriter(sink, { ...options, header: first.header, flushBytes: large ? 65_536 : 512 });
    trace.segments.forEach((segment, index) => {
      if (index > 0) void writer.startSegment(segment.header);
      for (const event of segment.events) void writer.write(event);
    });
    await writer.close();
    // Byte-identical to the whole-trace export with the same options (compared as bytes, not element by element).
    expect(Buffer.compare(sink.toBytes(), writeQlog({ segments: trace.segments }, options))).toBe(0);
    const chunks = async function* () {
      const bytes = sink.toBytes();
      const size = large ? 65_536 : 97;
      for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
    };
    const reader = await openQlogReader(chunks(), { segments: true });
    const events = [];
    const headers = [];
    for await (const record of reader) {
      if (record.kind === 'event') events.push(record.event);
      else headers.push(record.header);
    }
    expect(renderings(events)).toEqual(expected);
    expect(headers).toEqual(trace.segments.map((segment) => segment.header));
    expect(reader.end).toMatchObject({ state: 'eof', complete: true });
  }, 300_000);
});

#!/usr/bin/env node
// The regression corpus: for every defect of issue 11, and for every defect the fuzzer found since, the smallest
// input that showed it, made by the project's own writers (plus the byte patch that makes the damage). Each case
// names the fuzz target whose invariants it must hold (run by .ci/test/fuzz-regressions.test.ts in `pnpm test`,
// and by `pnpm fuzz -- --regressions`) and may add a check of the defect's own verdict.
//
//   node fuzz/regressions.mjs DIR   writes every case's input into DIR (to try them with xtrace by hand)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMemorySink } from '@x/binary';
import { encodeAny, ItemScanner, measureItem, SCAN_TRUNCATED } from '@x/cbor-schema';
import { openQlogReader, readQlog, writeQlog } from '@x/moqt-qlog';
import { createRecorder, createTraceWriter, MoqtraceError, openTraceReader, readTrace, writeTrace } from '@x/moqtrace';
import { exportNdjson, importNdjson } from '@x/moqtrace/ndjson';
import {
  decodeMessageAt,
  encodeFrame,
  encodeSeaStreamerHeader,
  openSeaStreamerReader,
  readSeaStreamer,
  SeaStreamerFileError,
  writeSeaStreamer,
} from '@x/seastreamer-file';
import { formatHeaderRecord, importSeaStreamerNdjson } from '@x/seastreamer-file/ndjson';

const MiB = 1024 * 1024;
const encoder = new TextEncoder();

/** Throws when `condition` is false (the checks run in tests and from the command line alike). */
function assert(condition, message) {
  if (!condition) throw new Error(`regression check failed: ${message}`);
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Byte arrays bigger than this many bytes were allocated while `fn` ran (a forged length taken at its word). */
async function allocates(fn) {
  globalThis.gc?.();
  const before = process.memoryUsage().arrayBuffers;
  await fn();
  return process.memoryUsage().arrayBuffers - before;
}

const HEADER = {
  protocol: 'moq-transport-14',
  perspective: 'client',
  detail: 'full',
  startTime: 1_767_225_600_000,
  source: 'regressions',
};

function events(n) {
  return Array.from({ length: n }, (_, i) =>
    i % 2 === 0
      ? { type: 'annotation', seq: i, timestamp: i * 1000, label: 'note', data: { i } }
      : { type: 'stream-closed', seq: i, timestamp: i * 1000, streamId: BigInt(i), errorCode: 0 },
  );
}

function wideMap(keys) {
  const extra = {};
  for (let i = 0; i < keys; i++) extra[`x-unknown-${i}`] = i;
  return extra;
}

/** A .ss file with one message long enough to be cut by several beacons, and the offsets involved. */
function splicedFile(interval = 256, payload = 1000) {
  const messages = [
    { streamKey: 'a', shardId: 0n, seqNo: 1n, timestamp: 1_700_000_000_000n, payload: 'first' },
    { streamKey: 'long', shardId: 1n, seqNo: 1n, timestamp: 1_700_000_000_001n, payload: 'x'.repeat(payload) },
    { streamKey: 'a', shardId: 0n, seqNo: 2n, timestamp: 1_700_000_000_002n, payload: 'after' },
  ];
  const bytes = writeSeaStreamer(messages, {
    fileName: 'spliced.ss',
    beaconInterval: interval,
    createdAt: 1_700_000_000_000,
  });
  const read = readSeaStreamer(bytes);
  return { bytes, read, long: read.messages[1] };
}

const SS_HEADER = formatHeaderRecord({
  fileName: 'r.ss',
  createdAt: 1_700_000_000_000n,
  beaconInterval: 1024,
  paddingOk: true,
});
const ssMessage = (seq, extra = {}) =>
  JSON.stringify({
    kind: 'message',
    streamKey: 'a',
    shardId: 0,
    seqNo: seq,
    timestampMs: 1_700_000_000_000 + seq,
    payload: `p${seq}`,
    ...extra,
  });

/** An .ss NDJSON text whose third line is `bad`. */
function ssNdjsonWith(bad) {
  return encoder.encode(`${SS_HEADER}\n${ssMessage(1)}\n${bad}\n${ssMessage(3)}\n`);
}

async function ssImportFailsAtLine(bytes, line) {
  const error = await importSeaStreamerNdjson(bytes, createMemorySink(), { fileName: 'x.ss' }).catch((e) => e);
  assert(
    SeaStreamerFileError.is(error) && error.code === 'INVALID_NDJSON' && error.line === line,
    `strict import fails at line ${line} (got ${error?.code} ${error?.line})`,
  );
  const skipped = [];
  const result = await importSeaStreamerNdjson(bytes, createMemorySink(), {
    fileName: 'x.ss',
    skipInvalidLines: true,
    onInvalidLine: (p) => skipped.push(p.line),
  });
  assert(
    skipped.join() === String(line) && result.skipped.length === 1,
    `skipping import reports line ${line} (got ${skipped})`,
  );
}

const TRACE_NDJSON = exportNdjson(readTrace(writeTrace({ header: HEADER, events: events(4) })));

/**
 * The regression cases: `{ id, defect, title, target, family, bytes, chunkSizes?, cli?, check? }`. `target` is a
 * fuzz target name; `chunkSizes` are the chunkings that showed the defect (random chunkings otherwise);
 * `cli` runs the command-line target on the input too; `check(bytes)` asserts the defect's own verdict.
 */
export function regressionCases() {
  const cases = [];
  const add = (c) => cases.push(c);

  // 1. Maps with many distinct unknown keys decoded in quadratic time (245 KB: 5-10 s, 490 KB: over 30 s).
  add({
    id: 'd1-event-wide-map',
    defect: 1,
    title: 'an event map with 200 000 distinct unknown keys',
    target: 'moqtrace',
    family: 'trace',
    bytes: () =>
      writeTrace({
        header: HEADER,
        events: [
          { type: 'annotation', seq: 0, timestamp: 0, label: 'wide', data: 1, extra: wideMap(200_000) },
          ...events(2),
        ],
      }),
    check(bytes) {
      const trace = readTrace(bytes);
      assert(Object.keys(trace.events[0].extra).length === 200_000 && trace.end.complete, 'every key read');
    },
  });
  add({
    id: 'd1-header-wide-map',
    defect: 1,
    title: 'a header map with 200 000 distinct unknown keys',
    target: 'moqtrace',
    family: 'trace',
    bytes: () => writeTrace({ header: { ...HEADER, extra: wideMap(200_000) }, events: events(3) }),
    check(bytes) {
      assert(Object.keys(readTrace(bytes).header.extra).length === 200_000, 'every header key read');
    },
  });
  add({
    id: 'd1-cbor-wide-map',
    defect: 1,
    title: 'a CBOR item with 200 000 distinct keys in a sequence',
    target: 'cbor-schema',
    family: 'cbor',
    bytes: () => concat(encodeAny(wideMap(200_000)), encodeAny({ a: 1 })),
  });

  // 2. Cut items rescanned from their start on every chunk (4 MiB nested: 1.6 s streamed vs 20 ms whole;
  //    2 MiB of unclosed indefinite arrays in 16 KiB chunks: 24 s).
  add({
    id: 'd2-nested-arrays',
    defect: 2,
    title: '4 MiB of nested arrays between two segments, streamed in 16 KiB chunks',
    target: 'moqtrace',
    family: 'trace',
    chunkSizes: [16 * 1024, 1000],
    bytes: () =>
      concat(
        writeTrace({ header: HEADER, events: [] }),
        new Uint8Array(4 * MiB).fill(0x81),
        writeTrace({ header: { ...HEADER, segment: { sequence: 1 } }, events: events(2) }),
      ),
    check(bytes) {
      const trace = readTrace(bytes);
      assert(
        trace.problems[0]?.code === 'NESTING_TOO_DEEP' && trace.segments.length === 2,
        'NESTING_TOO_DEEP, then the next segment',
      );
    },
  });
  add({
    id: 'd2-unclosed-indefinite',
    defect: 2,
    title: 'an indefinite array of 8 MiB that never closes, streamed in 16 KiB chunks',
    target: 'moqtrace',
    family: 'trace',
    chunkSizes: [16 * 1024],
    sized: (scale) =>
      concat(writeTrace({ header: HEADER, events: events(2) }), Uint8Array.of(0x9f), new Uint8Array(8 * MiB * scale)),
    bytes() {
      return this.sized(1);
    },
    check(bytes) {
      const { end } = readTrace(bytes);
      assert(end.state === 'truncated' && end.trailingBytes === 8 * MiB + 1, 'a truncated end over the whole cut item');
    },
  });
  add({
    id: 'd2-cbor-unclosed',
    defect: 2,
    title: 'a CBOR sequence ending in an 8 MiB indefinite array that never closes, in 16 KiB chunks',
    target: 'cbor-schema',
    family: 'cbor',
    chunkSizes: [16 * 1024],
    bytes: () => concat(encodeAny({ a: 1 }), Uint8Array.of(0x9f), new Uint8Array(8 * MiB)),
  });

  // 3. An item declaring more than the item size limit near the end: TRUNCATED whole, MALFORMED_CBOR streamed.
  add({
    id: 'd3-item-too-large',
    defect: 3,
    title: 'a byte string declaring 300 MiB after three events',
    target: 'moqtrace',
    family: 'trace',
    chunkSizes: [1, 3, 16, 4096],
    cli: true,
    bytes: () =>
      concat(
        writeTrace({ header: HEADER, events: events(3) }),
        Uint8Array.of(0x5a, 0x12, 0xc0, 0x00, 0x00),
        new Uint8Array(100),
      ),
    async check(bytes) {
      const trace = readTrace(bytes);
      assert(
        trace.events.length === 3 &&
          trace.problems[0]?.code === 'ITEM_TOO_LARGE' &&
          trace.problems[0].offset === bytes.length - 105,
        'ITEM_TOO_LARGE at the item',
      );
      const grown = await allocates(async () => {
        const reader = await openTraceReader(bytes);
        for await (const _ of reader);
      });
      assert(grown < 64 * MiB, `the declared 300 MiB are not allocated (${grown} bytes)`);
    },
  });

  // 4. A beacon's remaining-bytes count contradicting the frame it cuts: sequential reading returned the message
  //    silently, readMessageAt threw OUT_OF_RANGE.
  for (const [delta, which] of [
    [1, 0],
    [-1, 0],
    [200, -1],
  ]) {
    add({
      id: `d4-remaining-bytes${delta > 0 ? '+' : ''}${delta}`,
      defect: 4,
      title: `a beacon inside a frame says ${delta > 0 ? '+' : ''}${delta} bytes follow it`,
      target: 'seastreamer',
      family: 'ss',
      bytes: () => {
        const { bytes, long } = splicedFile();
        const at = long.splicedBy.at(which);
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        view.setUint32(at + 1, view.getUint32(at + 1) + delta);
        return bytes;
      },
      check(bytes) {
        const sequential = readSeaStreamer(bytes);
        const long = sequential.messages[1];
        const warnings = sequential.problems.filter((p) => p.code === 'REMAINING_BYTES_MISMATCH');
        assert(
          warnings.length === 1 && warnings[0].messageOffset === long.offset,
          'one REMAINING_BYTES_MISMATCH warning for the long message',
        );
        const at = decodeMessageAt(bytes, long.offset);
        assert(
          at.message.payload.length === 1000 && at.problems.some((p) => p.code === 'REMAINING_BYTES_MISMATCH'),
          'random access gives the message and the warning',
        );
      },
    });
  }

  // 5. Untyped writer errors (TypeError without a code) for bad header values.
  add({
    id: 'd5-writer-header-values',
    defect: 5,
    title:
      'writeTrace, createTraceWriter and createRecorder with NaN, -1, 1.5, Infinity start times, a non-text protocol, a NaN end time',
    target: 'moqtrace-ndjson',
    family: 'traceNdjson',
    // The same values through the importer, which validates by encoding: INVALID_NDJSON at line 1.
    bytes: () => encoder.encode(TRACE_NDJSON.replace(/"startTime":\d+/, '"startTime":-1')),
    async check(bytes) {
      const error = await importNdjson(bytes).catch((e) => e);
      assert(
        MoqtraceError.is(error) && error.code === 'INVALID_NDJSON' && error.details?.line === 1,
        'the importer refuses the header at line 1',
      );
      for (const [key, change] of [
        ['header.startTime', { startTime: Number.NaN }],
        ['header.startTime', { startTime: -1 }],
        ['header.startTime', { startTime: 1.5 }],
        ['header.startTime', { startTime: Number.POSITIVE_INFINITY }],
        ['header.protocol', { protocol: 5 }],
        ['header.endTime', { endTime: Number.NaN }],
      ]) {
        const header = { ...HEADER, ...change };
        for (const [name, call] of [
          ['writeTrace', () => writeTrace({ header, events: [] })],
          ['createTraceWriter', () => createTraceWriter(createMemorySink(), { header })],
          ['createRecorder', () => createRecorder({ header })],
        ]) {
          let error;
          try {
            call();
          } catch (e) {
            error = e;
          }
          assert(
            MoqtraceError.is(error) && error.code === 'INVALID_ARGUMENT' && error.key === key,
            `${name} refuses ${key} = ${String(Object.values(change)[0])} with INVALID_ARGUMENT (got ${error?.code ?? error})`,
          );
        }
      }
    },
  });

  // 6. NDJSON import that wrote wrong data with exit 0: invalid base64, unknown payloadEncoding, misspelt kind, {}.
  for (const [id, bad] of [
    ['invalid-base64', ssMessage(2, { payload: '!!!', payloadEncoding: 'base64' })],
    ['unknown-encoding', ssMessage(2, { payloadEncoding: 'utf-16' })],
    ['misspelt-kind', ssMessage(2, { kind: 'mesage' })],
    ['empty-object', '{}'],
  ]) {
    add({
      id: `d6-${id}`,
      defect: 6,
      title: `.ss NDJSON import of a line with ${id.replaceAll('-', ' ')}`,
      target: 'ss-ndjson',
      family: 'ssNdjson',
      cli: true,
      bytes: () => ssNdjsonWith(bad),
      check: (bytes) => ssImportFailsAtLine(bytes, 3),
    });
  }

  // 7. A conversion failing part-way (an invalid stream key) left a header-only .ss behind, exit 2.
  add({
    id: 'd7-invalid-stream-key',
    defect: 7,
    title: 'an invalid stream key on line 3 of an .ss NDJSON import',
    target: 'ss-ndjson',
    family: 'ssNdjson',
    cli: true,
    bytes: () => ssNdjsonWith(ssMessage(2, { streamKey: 'bad key!' })),
    check: (bytes) => ssImportFailsAtLine(bytes, 3),
  });

  // 8. Terminal control sequences from a file printed raw (library side: the readers read them as data; the
  //    command line's escaping is checked by the fuzzer's cli target and the CLI's own tests).
  add({
    id: 'd8-control-characters-ss',
    defect: 8,
    title: 'a .ss file whose stream key and file name hold escape sequences',
    target: 'seastreamer',
    family: 'ss',
    bytes: () => {
      const bytes = writeSeaStreamer(
        [
          { streamKey: 'AAAAAAA', shardId: 0n, seqNo: 1n, timestamp: 5n, payload: 'x' },
          { streamKey: 'b', shardId: 0n, seqNo: 2n, timestamp: 6n, payload: 'y' },
        ],
        { fileName: 'BBBBB.ss', beaconInterval: 1024, createdAt: 0 },
      );
      bytes.set(encoder.encode('\u001b[2J\u001b[m'), bytes.indexOf(0x41)); // same length as AAAAAAA
      bytes.set(encoder.encode('\u001b]0;x'), 4); // same length as BBBBB
      return bytes;
    },
    check(bytes) {
      const read = readSeaStreamer(bytes, { lenientUtf8: true });
      assert(
        read.header.fileName === '\u001b]0;x.ss' && read.messages[0].streamKey === '\u001b[2J\u001b[m',
        'the strings are read as they are',
      );
    },
  });
  add({
    id: 'd8-control-characters-moqtrace',
    defect: 8,
    title: 'a .moqtrace file with escape sequences in strings and in the key of a malformed event',
    target: 'moqtrace',
    family: 'trace',
    bytes: () =>
      concat(
        writeTrace({
          header: { ...HEADER, source: '\u001b[2J' },
          events: [{ type: 'annotation', seq: 0, timestamp: 0, label: '\u001b]0;title\u0007', data: '\u009b31m' }],
        }),
        encodeAny({ n: 1, t: 2, e: 3, '\u001b[31m': 'x' }), // event type 3 without its fields
      ),
  });

  // 9. .moqtrace NDJSON import errors without a line (USAGE, exit 2), a BOM refused, deep nesting as an engine error.
  add({
    id: 'd9-bom',
    defect: 9,
    title: '.moqtrace NDJSON starting with a UTF-8 BOM',
    target: 'moqtrace-ndjson',
    family: 'traceNdjson',
    cli: true,
    bytes: () => concat(Uint8Array.of(0xef, 0xbb, 0xbf), encoder.encode(TRACE_NDJSON)),
    async check(bytes) {
      const imported = await importNdjson(bytes);
      assert(imported.segments[0].events.length === 4 && imported.skipped.length === 0, 'imported as without the BOM');
    },
  });
  add({
    id: 'd9-bad-line',
    defect: 9,
    title: '.moqtrace NDJSON with an event of a wrong field type on line 3',
    target: 'moqtrace-ndjson',
    family: 'traceNdjson',
    cli: true,
    bytes: () => {
      const lines = TRACE_NDJSON.split('\n');
      lines[2] = '{"kind":"event","type":"annotation","seq":"x","timestamp":0,"label":"l","data":1}';
      return encoder.encode(lines.join('\n'));
    },
    async check(bytes) {
      const error = await importNdjson(bytes).catch((e) => e);
      const offset = encoder.encode(TRACE_NDJSON.split('\n').slice(0, 2).join('\n')).length + 1;
      assert(
        MoqtraceError.is(error) &&
          error.code === 'INVALID_NDJSON' &&
          error.details?.line === 3 &&
          error.offset === offset,
        'INVALID_NDJSON at line 3 with its byte offset',
      );
    },
  });
  add({
    id: 'd9-deep-nesting',
    defect: 9,
    title: '.moqtrace NDJSON with a value nested 100 000 levels deep',
    target: 'moqtrace-ndjson',
    family: 'traceNdjson',
    cli: true,
    bytes: () => {
      const lines = TRACE_NDJSON.split('\n');
      lines.splice(
        1,
        0,
        `{"kind":"event","type":"annotation","seq":0,"timestamp":0,"label":"d","data":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
      );
      return encoder.encode(lines.join('\n'));
    },
    async check(bytes) {
      const error = await importNdjson(bytes).catch((e) => e);
      assert(
        MoqtraceError.is(error) && error.code === 'INVALID_NDJSON' && /nested deeper than 500/.test(error.message),
        'a clear nesting error',
      );
    },
  });

  // 10. Complete beacons inside a truncated long frame were not reported.
  add({
    id: 'd10-beacons-in-truncated-tail',
    defect: 10,
    title: 'a file cut inside a long frame after two complete beacons',
    target: 'seastreamer',
    family: 'ss',
    bytes: () => {
      const { bytes, long } = splicedFile();
      return bytes.subarray(0, long.splicedBy[2] + 3); // inside the third beacon
    },
    check(bytes) {
      const { read, long } = splicedFile();
      const expected = read.beacons.filter((b) => b.offset + b.size <= bytes.length);
      const cut = readSeaStreamer(bytes);
      assert(cut.end.state === 'truncated' && cut.end.offset === long.offset, 'a truncated end at the long message');
      assert(
        JSON.stringify(cut.beacons.map((b) => b.offset)) === JSON.stringify(expected.map((b) => b.offset)) &&
          expected.length >= 2,
        'every complete beacon below the cut',
      );
    },
  });

  // Found by pnpm fuzz.
  add({
    id: 'f1-tail-pseudo-beacons',
    defect: 'fuzz',
    title:
      '1 MiB of 0x9f after an empty file with interval 128: a would-be beacon of 29 KB at every boundary (4 MiB: 7 s, 2.5 GB)',
    target: 'seastreamer',
    family: 'ss',
    sized: (scale) =>
      concat(
        writeSeaStreamer([], { fileName: 'e.ss', beaconInterval: 128, createdAt: 0 }),
        new Uint8Array(MiB * scale).fill(0x9f),
      ),
    bytes() {
      return this.sized(1);
    },
    check(bytes) {
      const read = readSeaStreamer(bytes);
      assert(
        read.end.state === 'truncated' && read.beacons.length === 1,
        `only the real beacon (got ${read.beacons.length})`,
      );
    },
  });
  add({
    id: 'f2-rewind-past-the-end',
    defect: 'fuzz',
    title: 'rewinding to a beacon whose count runs past the end of the data: TRUNCATED at an offset outside the file',
    target: 'seastreamer',
    family: 'ss',
    bytes: () => {
      const { bytes, long } = splicedFile(256, 1000);
      return bytes.subarray(0, long.splicedBy[2] + 60);
    },
    async check(bytes) {
      const { long } = splicedFile(256, 1000);
      const reader = await openSeaStreamerReader(bytes);
      const error = await reader.rewindToBeacon(long.splicedBy[2] / 256).catch((e) => e);
      assert(
        SeaStreamerFileError.is(error) && error.code === 'TRUNCATED' && error.offset <= bytes.length,
        `TRUNCATED inside the data (got ${error?.code} at ${error?.offset})`,
      );
    },
  });
  add({
    id: 'f3-qlog-data-after-the-file',
    defect: 'fuzz',
    title: 'a contained qlog file followed by more data: the streamed end offset depended on the chunking',
    target: 'qlog',
    family: 'qlog',
    chunkSizes: [1, 7, 100, 1000],
    bytes: () =>
      concat(
        writeQlog({ header: HEADER, events: events(5) }, { format: 'contained' }),
        encoder.encode('\n{"more":1}\n'),
      ),
    async check(bytes) {
      const whole = readQlog(bytes);
      for (const chunkSize of [1, 7, 100]) {
        const chunks = [];
        for (let at = 0; at < bytes.length; at += chunkSize) chunks.push(bytes.slice(at, at + chunkSize));
        const reader = await openQlogReader(
          (async function* () {
            yield* chunks;
          })(),
        );
        for await (const _ of reader);
        assert(
          reader.end.offset === whole.end.offset && whole.end.offset === bytes.length,
          `end at ${reader.end.offset} in ${chunkSize}-byte chunks, ${whole.end.offset} whole`,
        );
      }
    },
  });
  add({
    id: 'f4-ss-problems-after-the-limit',
    defect: 'fuzz',
    title: 'a damaged message after the limit: reported by the streaming reader, not by the whole-buffer read',
    target: 'seastreamer',
    family: 'ss',
    bytes: () => {
      const messages = Array.from({ length: 5 }, (_, i) => ({
        streamKey: 'a',
        shardId: 0n,
        seqNo: BigInt(i),
        timestamp: BigInt(i),
        payload: `payload ${i}`,
      }));
      const bytes = writeSeaStreamer(messages, { fileName: 'l.ss', beaconInterval: 1024, createdAt: 0 });
      const third = readSeaStreamer(bytes).messages[2];
      bytes[third.endOffset - 4] ^= 0xff; // its payload: CHECKSUM_MISMATCH
      return bytes;
    },
    async check(bytes) {
      assert(readSeaStreamer(bytes).problems.length === 1, 'one damaged message');
      const seen = [];
      const reader = await openSeaStreamerReader(bytes, { limit: 1, onProblem: (p) => seen.push(p.code) });
      for await (const _ of reader);
      assert(
        seen.length === 0 && readSeaStreamer(bytes, { limit: 1 }).problems.length === 0,
        `no problem after the limit (got ${seen})`,
      );
    },
  });
  add({
    id: 'f5-declared-count-then-malformed',
    defect: 'fuzz',
    title:
      'an array declaring 2^64 items then a malformed byte: ITEM_TOO_LARGE or MALFORMED_CBOR by where a chunk ended',
    target: 'moqtrace',
    family: 'trace',
    chunkSizes: [1, 2, 3, 5, 8, 13, 4096],
    bytes: () =>
      concat(
        writeTrace({ header: HEADER, events: events(3) }),
        Uint8Array.of(0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x1c),
      ),
    check(bytes) {
      const trace = readTrace(bytes);
      assert(trace.problems.length === 1 && trace.problems[0].code === 'MALFORMED_CBOR', 'MALFORMED_CBOR at the item');
    },
  });
  add({
    id: 'f6-qlog-number-cut-by-a-chunk',
    defect: 'fuzz',
    title: 'a contained qlog trace field holding a number cut by a chunk boundary was scanned on as a container',
    target: 'qlog',
    family: 'qlog',
    chunkSizes: [1, 2, 3, 5, 7, 11],
    bytes: () => {
      const text = new TextDecoder().decode(writeQlog({ header: HEADER, events: events(4) }, { format: 'contained' }));
      return encoder.encode(text.replace('"vantage_point"', '"x-number":1234567890.25,"vantage_point"'));
    },
    check(bytes) {
      const whole = readQlog(bytes);
      assert(whole.events.length === 4 && whole.problems.length === 0, 'four events, no problem');
    },
  });
  add({
    id: 'f7-qlog-unclosed-string',
    defect: 'fuzz',
    title:
      'a qlog record whose string never closes, in 1 KiB chunks: every chunk searched the whole buffer (8 MiB: 7.5 s)',
    target: 'qlog',
    family: 'qlog',
    chunkSizes: [1024],
    // The quarter-size input, for the time check of `pnpm fuzz -- --regressions`.
    sized: (scale) => {
      const text = new TextDecoder().decode(writeQlog({ header: HEADER, events: events(4) }, { format: 'contained' }));
      const at = text.indexOf('"time"', text.indexOf('"events"'));
      return concat(encoder.encode(text.slice(0, at + 2)), new Uint8Array(Math.floor(4 * MiB * scale)).fill(0x61));
    },
    bytes() {
      return this.sized(1);
    },
    check(bytes) {
      const whole = readQlog(bytes);
      assert(whole.end.state === 'truncated' || whole.problems.length > 0, 'the cut record is reported');
    },
  });
  add({
    id: 'f8-problems-in-one-chunk',
    defect: 'fuzz',
    title:
      'a million malformed items between events in one chunk: the streaming reader handed them out in quadratic time, xtrace cat queued them all (quadratic, 1 GB)',
    cli: true,
    target: 'moqtrace',
    family: 'trace',
    chunkSizes: [8 * MiB],
    sized: (scale) =>
      concat(
        writeTrace({ header: HEADER, events: events(3) }),
        new Uint8Array(MiB * scale).fill(0x01), // an unsigned integer per byte: MALFORMED_EVENT each
        writeTrace({ header: HEADER, events: events(3) }).subarray(
          readTrace(writeTrace({ header: HEADER, events: events(3) })).segments[0].eventsOffset,
        ),
      ),
    bytes() {
      return this.sized(1);
    },
    check(bytes) {
      const { end, events: read } = readTrace(bytes);
      assert(end.errors === MiB && read.length === 6, `a problem per byte, the events around them (${end.errors})`);
    },
  });
  add({
    id: 'f9-bom-split-over-chunks',
    defect: 'fuzz',
    title: 'NDJSON whose BOM is split over the first chunks: the BOM stayed in line 1, the import failed',
    target: 'ss-ndjson',
    family: 'ssNdjson',
    chunkSizes: [1, 2],
    bytes: () => concat(Uint8Array.of(0xef, 0xbb, 0xbf), ssNdjsonWith(ssMessage(2))),
    async check(bytes) {
      const result = await importSeaStreamerNdjson(bytes, createMemorySink(), { fileName: 'x.ss' });
      assert(result.messages === 3, 'three messages imported');
    },
  });
  add({
    id: 'f10-qlog-bad-tagged-value',
    defect: 'fuzz',
    title: 'an exported qlog record with {"$bigint":"½"}: a SyntaxError out of readQlog',
    target: 'qlog',
    family: 'qlog',
    bytes: () => {
      const text = new TextDecoder().decode(writeQlog({ header: HEADER, events: events(3) }));
      return encoder.encode(
        text.replace(/"moqtrace_seq":1\b/, '"moqtrace_seq":1,"moqtrace_extra":{"x-a":{"$bigint":"½"}}'),
      );
    },
    check(bytes) {
      const result = readQlog(bytes);
      assert(result.problems.length === 1 && result.problems[0].code === 'MALFORMED_EVENT', 'a MALFORMED_EVENT');
    },
  });
  add({
    id: 'f11-ss-random-access-lying-beacons',
    defect: 'fuzz',
    title: 'random access behind two beacons with damaged counts refused an offset sequential reading reads',
    target: 'seastreamer',
    family: 'ss',
    bytes: () => {
      const bytes = writeSeaStreamer(
        [
          { streamKey: 'long', shardId: 0n, seqNo: 1n, timestamp: 1n, payload: 'x'.repeat(2200) },
          { streamKey: 'next', shardId: 0n, seqNo: 2n, timestamp: 2n, payload: 'y'.repeat(20) },
        ],
        { fileName: 'f.ss', beaconInterval: 1000, createdAt: 0 },
      );
      const [long, next] = readSeaStreamer(bytes).messages;
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      view.setUint32(1001, 0);
      view.setUint32(2001, view.getUint32(2001) + (next.offset - long.endOffset) + 10);
      return bytes;
    },
    check(bytes) {
      const next = readSeaStreamer(bytes).messages[1];
      assert(decodeMessageAt(bytes, next.offset).message.seqNo === 2n, 'the message at its offset');
    },
  });
  add({
    id: 'f12-ss-frame-across-big-beacons',
    defect: 'fuzz',
    title:
      'a frame cut by would-be beacons of 255 long markers (58 KB each): the streaming reader stitched it again per marker (4 MiB: 78 s, 65 ms whole)',
    target: 'seastreamer',
    family: 'ss',
    chunkSizes: [16 * 1024, 4 * MiB],
    sized: (scale) => {
      const interval = 4096;
      const first = { streamKey: 'a', shardId: 0n, seqNo: 1n, timestamp: 1n, payload: 'x'.repeat(3800) };
      const start = writeSeaStreamer([first], { fileName: 'b.ss', beaconInterval: interval, createdAt: 0 });
      const bytes = new Uint8Array(Math.floor(4 * MiB * scale)).fill(0x78);
      bytes.set(start);
      const view = new DataView(bytes.buffer);
      // At every 15th boundary: 0x0D, a remaining count, 255 markers with 200-byte keys, 0x0D (57 892 bytes).
      const beacon = 6 + 255 * 227 + 1;
      for (let at = interval; at + beacon <= bytes.length; at += 15 * interval) {
        bytes[at] = 0x0d;
        view.setUint32(at + 1, 0x7fff_ffff);
        bytes[at + 5] = 255;
        for (let m = 0, q = at + 6; m < 255; m++, q += 227) bytes.fill(0, q + 201, q + 227)[q] = 200;
        bytes[at + beacon - 1] = 0x0d;
      }
      // A frame after the first message, up to the end: 3 548 of every 61 440 bytes are its own.
      const at = start.length;
      bytes[at] = 1;
      bytes[at + 1] = 0x61;
      view.setUint32(at + 26, Math.floor((bytes.length / (15 * interval)) * (15 * interval - beacon)));
      return bytes;
    },
    bytes() {
      return this.sized(1);
    },
    async check(bytes) {
      const whole = readSeaStreamer(bytes);
      const reader = await openSeaStreamerReader(bytes);
      for await (const _ of reader);
      assert(
        whole.end.state === 'truncated' && whole.messages.length === 1 && reader.end.offset === whole.end.offset,
        'the message, then a truncated end at the long frame, streamed as whole',
      );
    },
  });
  add({
    id: 'f13-unsupported-segment-cut',
    defect: 'fuzz',
    title:
      'a later segment of an unknown version whose header the data ends inside: streamed, it was counted again per chunk',
    target: 'moqtrace',
    family: 'trace',
    chunkSizes: [1, 7],
    bytes: () => {
      const preamble = new Uint8Array(16);
      preamble.set(encoder.encode('MOQTRACE'));
      const view = new DataView(preamble.buffer);
      view.setUint32(8, 7, true); // version 7
      view.setUint32(12, 1000, true); // a header of 1000 bytes, of which 10 follow
      return concat(writeTrace({ header: HEADER, events: events(2) }), preamble, new Uint8Array(10));
    },
    check(bytes) {
      const { problems, end } = readTrace(bytes);
      assert(
        problems.length === 1 && problems[0].code === 'UNSUPPORTED_VERSION' && problems[0].segment === 1,
        'one UNSUPPORTED_VERSION, segment 1',
      );
      assert(end.segments === 2 && end.events === 2, 'two segments, two events');
    },
  });
  add({
    id: 'f14-ss-random-access-boundary-inside-a-beacon',
    defect: 'fuzz',
    title:
      'random access to a message whose interval boundary lies inside a longer beacon before it: OUT_OF_RANGE where sequential reading reads the message',
    target: 'seastreamer',
    family: 'ss',
    bytes: () => {
      // Interval 1024. A frame from 128 cut at 1024 by a beacon of 6 markers with 200-byte keys (1 369 bytes, up
      // to 2 393: over the boundary at 2048), ending at 2 450; then a second frame at 2 450.
      const header = encodeSeaStreamerHeader({ fileName: 'i.ss', beaconInterval: 1024, createdAt: 0 });
      const long = encodeFrame('k', 0n, 1n, 1n, new Uint8Array(920).fill(0x61));
      const beacon = new Uint8Array(1369);
      beacon[0] = 0x0d;
      new DataView(beacon.buffer).setUint32(1, long.length - (1024 - 128));
      beacon[5] = 6;
      for (let m = 0, q = 6; m < 6; m++, q += 227) beacon.fill(0x6b, q + 1, q + 201)[q] = 200;
      beacon[1368] = 0x0d;
      const next = encodeFrame('k', 0n, 2n, 2n, encoder.encode('next'));
      return concat(header, long.subarray(0, 1024 - 128), beacon, long.subarray(1024 - 128), next);
    },
    check(bytes) {
      const read = readSeaStreamer(bytes);
      const last = read.messages.at(-1);
      assert(read.messages.length === 2 && last.offset === 2450, 'two messages, the second at 2450');
      assert(decodeMessageAt(bytes, last.offset).message.seqNo === 2n, 'the second message at its offset');
    },
  });
  add({
    id: 'f15-qlog-deep-record',
    defect: 'fuzz',
    title:
      'a qlog record whose event data nests 5000 arrays: read as an event, then xtrace cat failed with INTERNAL (stack overflow rendering it)',
    target: 'qlog',
    family: 'qlog',
    cli: true,
    bytes: () => {
      const text = new TextDecoder().decode(writeQlog({ header: HEADER, events: events(3) }));
      const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
      return encoder.encode(text.replace(/"moqtrace_seq":1\b/, `"moqtrace_seq":1,"moqtrace_extra":{"x-deep":${deep}}`));
    },
    check(bytes) {
      const { events: read, problems } = readQlog(bytes);
      assert(
        read.length === 2 && problems.length === 1 && problems[0].code === 'MALFORMED',
        `the deep record reported MALFORMED, the others read (${read.length} events, ${problems.map((p) => p.code)})`,
      );
    },
  });
  add({
    id: 'f16-cbor-scan-resumed-deep',
    defect: 'fuzz',
    title:
      '2 MiB of nested 16-pair maps scanned without a depth limit in 4-byte views: each cut summed the whole frame stack (quadratic: 15 s in 128-byte views)',
    target: 'cbor-schema',
    family: 'cbor',
    bytes: () => new Uint8Array(2 * MiB).fill(0xb0),
    check(bytes) {
      const scanner = new ItemScanner({ maxDepth: Number.POSITIVE_INFINITY });
      let result = SCAN_TRUNCATED;
      for (let end = 4; result === SCAN_TRUNCATED && scanner.position < bytes.length; end += 4) {
        const e = Math.min(end, bytes.length);
        result = scanner.scan(bytes.subarray(scanner.position, e), scanner.position, e);
      }
      const whole = measureItem(bytes, 0, bytes.length, { maxDepth: Number.POSITIVE_INFINITY });
      assert(
        result === SCAN_TRUNCATED && whole.kind === 'truncated' && scanner.needed === whole.needed,
        `the same lower bound resumed and whole (${scanner.needed}, ${whole.needed})`,
      );
    },
  });
  return cases.map((c) => ({ ...c, bytes: c.bytes() }));
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node fuzz/regressions.mjs DIR');
    process.exit(2);
  }
  mkdirSync(dir, { recursive: true });
  const ext = { trace: 'moqtrace', ss: 'ss', cbor: 'cbor', traceNdjson: 'ndjson', ssNdjson: 'ndjson', qlog: 'qlog' };
  for (const c of regressionCases()) {
    const file = join(dir, `${c.id}.${ext[c.family]}`);
    writeFileSync(file, c.bytes);
    console.log(`${file}  (${c.bytes.length} bytes) defect ${c.defect}: ${c.title}`);
  }
}

/**
 * `.moqtrace` implementations of info, stats, validate, convert and hexdump (the commands parse arguments
 * and dispatch here by detected format).
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import {
  MoqtraceError,
  readTrace,
  type TraceContents,
  type TraceEvent,
  type TraceHeader,
  type VersionChoice,
  writeTrace,
} from '@x/moqtrace';
import { buildTrackTable, computeStats } from '@x/moqtrace/analysis';
import {
  importNdjsonRecords,
  renderEndRecord,
  renderErrorRecord,
  renderEventRecordJson,
  renderHeaderRecord,
  type SkippedRecord,
} from '@x/moqtrace/ndjson';
import { EXIT_DATA, EXIT_USAGE, XtraceError } from '../errors.js';
import { type Input, ioError } from '../input.js';
import type { Context } from '../io.js';
import { openTextTarget } from '../output/file-output.js';
import { stringifyJson } from '../output/json.js';
import { formatTable, keyValues } from '../output/table.js';
import type { ConvertOptions, NdjsonRecord, Region, ValidationResult } from './types.js';

/** Reads a whole `.moqtrace` input, keeping every problem. */
async function readWhole(input: Input): Promise<TraceContents> {
  let bytes = input.bytes;
  if (!bytes) {
    try {
      bytes = await readFile(input.path!);
    } catch (error) {
      throw ioError(error, input.name);
    }
  }
  return readTrace(bytes, { maxProblems: Number.MAX_SAFE_INTEGER });
}

function iso(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

function reportEnd(ctx: Context, input: Input, trace: TraceContents): void {
  for (const p of trace.problems) {
    if (p.severity === 'error') ctx.reportLine(p.code, p.message, p.offset, input.name, EXIT_DATA);
  }
}

function timeRange(trace: TraceContents): { firstMs: number; lastMs: number } | undefined {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const s of trace.segments) {
    for (const e of s.events) {
      const t = s.header.startTime + Number(e.timestamp) / 1000;
      if (t < first) first = t;
      if (t > last) last = t;
    }
  }
  return first <= last ? { firstMs: first, lastMs: last } : undefined;
}

/** `info` for `.moqtrace`. */
export async function infoMoqtrace(ctx: Context, input: Input, options: { json?: boolean }): Promise<void> {
  const trace = await readWhole(input);
  const stats = computeStats(trace.events, { header: trace.segments[0]?.header });
  const range = timeRange(trace);
  const end = trace.end;
  const state = end.state === 'truncated' ? 'truncated' : 'eof';
  const errors = trace.problems.filter((p) => p.severity === 'error').length;
  if (options.json) {
    const w = ctx.out.write(
      `${stringifyJson({
        file: input.name,
        format: 'moqtrace',
        version: trace.segments[0]?.version,
        fileSize: input.size,
        segmentCount: trace.segments.length,
        segments: trace.segments.map((s) => ({
          index: s.index,
          offset: s.offset,
          version: s.version,
          headerLength: s.headerLength,
          eventsOffset: s.eventsOffset,
          events: s.events.length,
          header: s.header,
        })),
        eventCount: trace.events.length,
        counts: stats.byType,
        timeRange: range
          ? { first: iso(range.firstMs), last: iso(range.lastMs), firstMs: range.firstMs, lastMs: range.lastMs }
          : null,
        timestampRangeMicros: stats.timeRange ?? null,
        end: { state, offset: end.offset, complete: end.complete },
        problems: { errors, warnings: trace.problems.length - errors },
      })}\n`,
    );
    if (w) await w;
  } else {
    const c = ctx.colors;
    const h = trace.segments[0]?.header;
    const rows: [string, string][] = [
      ['file', input.name],
      ['format', `.moqtrace, version ${[...new Set(trace.segments.map((s) => s.version))].join('/') || '?'}`],
      ['file size', `${input.size} bytes`],
    ];
    if (h) {
      rows.push(['protocol', h.protocol], ['perspective', h.perspective], ['detail', h.detail]);
      rows.push(['start time', `${iso(h.startTime)} (${h.startTime})`]);
      if (h.endTime !== undefined) rows.push(['end time', `${iso(h.endTime)} (${h.endTime})`]);
      for (const key of ['transport', 'source', 'endpoint', 'sessionId'] as const) {
        if (h[key] !== undefined) rows.push([key, String(h[key])]);
      }
      if (h.sampling) rows.push(['sampling', `${stringifyJson(h.sampling)} (partial view)`]);
      if (h.custom) rows.push(['custom', stringifyJson(h.custom)]);
    }
    rows.push(['segments', String(trace.segments.length)]);
    rows.push(['events', String(trace.events.length)]);
    rows.push(['time range', range ? `${iso(range.firstMs)} .. ${iso(range.lastMs)}` : '-']);
    rows.push(['end', `${state} at offset ${end.offset}${end.complete ? '' : ' (incomplete)'}`]);
    rows.push(['problems', `${errors} errors, ${trace.problems.length - errors} warnings`]);
    let text = keyValues(rows, c.dim);
    if (trace.segments.length > 1) {
      text += `\n${formatTable(
        [
          { title: 'SEGMENT', right: true },
          { title: 'OFFSET', right: true },
          { title: 'VERSION', right: true },
          { title: 'SEQUENCE', right: true },
          { title: 'START' },
          { title: 'EVENTS', right: true },
        ],
        trace.segments.map((s) => [
          String(s.index),
          String(s.offset),
          String(s.version),
          s.header.segment ? String(s.header.segment.sequence) : '-',
          iso(s.header.startTime),
          String(s.events.length),
        ]),
        c.dim,
      )}`;
    }
    const types = Object.entries(stats.byType);
    if (types.length > 0) {
      text += `\n${formatTable(
        [{ title: 'TYPE' }, { title: 'EVENTS', right: true }],
        types.map(([k, v]) => [k, String(v)]),
        c.dim,
      )}`;
    }
    const w = ctx.out.write(text);
    if (w) await w;
  }
  reportEnd(ctx, input, trace);
}

function show(value: unknown): string {
  if (value === undefined) return '-';
  if (typeof value === 'string') return value;
  return stringifyJson(value);
}

/** `stats` for `.moqtrace`: events per type, control messages per name, data streams, track table. */
export async function statsMoqtrace(ctx: Context, input: Input, options: { json?: boolean }): Promise<void> {
  const trace = await readWhole(input);
  const header = trace.segments[0]?.header;
  const stats = computeStats(trace.events, { header });
  const tracks = buildTrackTable(trace.events, header ? { header } : {});
  if (options.json) {
    const w = ctx.out.write(
      `${stringifyJson({
        file: input.name,
        format: 'moqtrace',
        events: stats.events,
        byType: stats.byType,
        byMessage: stats.byMessage,
        streams: stats.streams,
        timeRange: stats.timeRange ?? null,
        draft: tracks.draft ?? null,
        tracks: tracks.tracks,
        unmatchedResponses: tracks.unmatchedResponses,
      })}\n`,
    );
    if (w) await w;
  } else {
    const c = ctx.colors;
    let text = `${c.bold(input.name)}: ${stats.events} events in ${trace.segments.length} segment${trace.segments.length === 1 ? '' : 's'}, draft ${tracks.draft ?? 'unknown'}\n\n`;
    text += formatTable(
      [{ title: 'TYPE' }, { title: 'EVENTS', right: true }],
      Object.entries(stats.byType).map(([k, v]) => [k, String(v)]),
      c.dim,
    );
    const messages = Object.entries(stats.byMessage);
    if (messages.length > 0) {
      text += `\n${formatTable(
        [{ title: 'CONTROL MESSAGE' }, { title: 'COUNT', right: true }],
        messages.map(([k, v]) => [k, String(v)]),
        c.dim,
      )}`;
    }
    if (stats.streams.length > 0) {
      text += `\n${formatTable(
        [
          { title: 'STREAM', right: true },
          { title: 'OBJECTS', right: true },
          { title: 'PAYLOADS', right: true },
          { title: 'BYTES', right: true },
          { title: 'CLOSED' },
        ],
        stats.streams.map((s) => [
          String(s.streamId),
          String(s.objects),
          String(s.payloads),
          String(s.bytes),
          s.closed ? `error code ${s.closed.errorCode}` : '-',
        ]),
        c.dim,
      )}`;
    }
    text += `\n${
      tracks.tracks.length === 0
        ? 'no tracks (no subscribe, fetch or publish requests)\n'
        : formatTable(
            [
              { title: 'REQUEST' },
              { title: 'PAIRING' },
              { title: 'ID', right: true },
              { title: 'NAMESPACE' },
              { title: 'NAME' },
              { title: 'ALIAS', right: true },
              { title: 'STATUS' },
              { title: 'LATENCY µs', right: true },
              { title: 'OBJECTS', right: true },
              { title: 'BYTES', right: true },
              { title: 'REASON' },
            ],
            tracks.tracks.map((t) => [
              t.request,
              t.pairing,
              t.requestId !== undefined ? String(t.requestId) : t.streamId !== undefined ? `sid ${t.streamId}` : '-',
              show(t.namespace),
              show(t.name),
              t.alias !== undefined ? String(t.alias) : '-',
              t.status,
              t.latencyMicros !== undefined ? String(t.latencyMicros) : '-',
              String(t.objects),
              String(t.bytes),
              t.reason ?? '',
            ]),
            c.dim,
          )
    }`;
    if (tracks.unmatchedResponses.length > 0) text += `${tracks.unmatchedResponses.length} unmatched responses\n`;
    const w = ctx.out.write(text);
    if (w) await w;
  }
  reportEnd(ctx, input, trace);
}

/** `validate` for `.moqtrace`: every reader problem (errors and warnings) and the end state. */
export async function validateMoqtrace(_ctx: Context, input: Input): Promise<ValidationResult> {
  const trace = await readWhole(input);
  return {
    file: input.name,
    format: 'moqtrace',
    ok: trace.end.complete && !trace.problems.some((p) => p.severity === 'error'),
    problems: trace.problems.map((p) => ({
      code: p.code,
      offset: p.offset,
      message: p.key ? `${p.message} (key ${p.key})` : p.message,
      severity: p.severity,
    })),
    counts: { segments: trace.segments.length, events: trace.events.length },
    end: { state: trace.end.state === 'truncated' ? 'truncated' : 'eof', offset: trace.end.offset },
  };
}

function versionChoice(v: ConvertOptions['version']): VersionChoice {
  return v === '1' ? 1 : v === '2' ? 2 : 'auto';
}

function encode(segments: { header: TraceHeader; events: TraceEvent[] }[], options: ConvertOptions): Uint8Array {
  try {
    return writeTrace({ segments }, { version: versionChoice(options.version) });
  } catch (error) {
    if ((error as { code?: string }).code === 'INVALID_ARGUMENT') {
      throw new XtraceError('USAGE', (error as Error).message, { exitCode: EXIT_USAGE });
    }
    throw error;
  }
}

async function writeBytes(ctx: Context, outPath: string, bytes: Uint8Array): Promise<void> {
  const target = await openTextTarget(ctx, outPath);
  await target.sink.writeBytes(bytes);
  await target.close();
}

/** `convert` from `.moqtrace` to NDJSON or normal-form `.moqtrace`. */
export async function convertMoqtrace(
  ctx: Context,
  input: Input,
  outPath: string,
  to: 'ndjson' | 'moqtrace',
  options: ConvertOptions,
): Promise<void> {
  const trace = await readWhole(input);
  reportEnd(ctx, input, trace);
  if (to === 'moqtrace') {
    await writeBytes(ctx, outPath, encode(trace.segments, options));
    return;
  }
  const target = await openTextTarget(ctx, outPath);
  const problems = trace.problems;
  let next = 0;
  for (const segment of trace.segments) {
    let w = target.sink.write(`${JSON.stringify(renderHeaderRecord(segment))}\n`);
    if (w) await w;
    for (let i = 0; i < segment.events.length; i++) {
      const offset = segment.eventOffsets[i]!;
      while (next < problems.length && problems[next]!.offset < offset) {
        w = target.sink.write(`${JSON.stringify(renderErrorRecord(problems[next++]!))}\n`);
        if (w) await w;
      }
      w = target.sink.write(
        `${renderEventRecordJson(segment.events[i]!, offset, segment.index, { fullBytes: true })}\n`,
      );
      if (w) await w;
    }
  }
  while (next < problems.length) target.sink.write(`${JSON.stringify(renderErrorRecord(problems[next++]!))}\n`);
  target.sink.write(`${JSON.stringify(renderEndRecord(trace.end))}\n`);
  await target.close();
}

/**
 * `convert` from NDJSON records (as `cat --format ndjson` / `convert` print them) to `.moqtrace`, through the
 * library's `importNdjsonRecords` (the CLI only strips its `line` numbers and maps errors to them).
 */
export async function ndjsonToMoqtrace(
  ctx: Context,
  records: NdjsonRecord[],
  outPath: string,
  options: ConvertOptions,
): Promise<void> {
  const file = ctx.currentFile ?? '-';
  let segments: { header: TraceHeader; events: TraceEvent[] }[];
  try {
    segments = importNdjsonRecords(records.map(({ line: _line, ...record }) => record)).segments;
  } catch (error) {
    if (!(error instanceof MoqtraceError) || error.code !== 'INVALID_NDJSON') throw error;
    const details = error.details as SkippedRecord | undefined;
    const line = details ? records[details.index]?.line : undefined;
    throw new XtraceError('INVALID_NDJSON', line !== undefined ? `line ${line}: ${details!.reason}` : error.message, {
      file,
      exitCode: EXIT_DATA,
    });
  }
  if (segments.length === 0)
    throw new XtraceError('INVALID_NDJSON', 'no header record in the NDJSON input', { file, exitCode: EXIT_DATA });
  await writeBytes(ctx, outPath, encode(segments, options));
}

/** Annotated regions of a `.moqtrace` file for `hexdump`: preambles, header maps, events and problems. */
export async function moqtraceRegions(_ctx: Context, _input: Input, bytes: Uint8Array): Promise<Region[]> {
  const trace = readTrace(bytes);
  const boundaries = new Set<number>([bytes.length, trace.end.offset]);
  for (const s of trace.segments) {
    boundaries.add(s.offset);
    boundaries.add(s.eventsOffset);
    for (const o of s.eventOffsets) boundaries.add(o);
  }
  for (const p of trace.problems) boundaries.add(p.offset);
  const sorted = [...boundaries].sort((a, b) => a - b);
  const nextAfter = (offset: number): number => sorted.find((b) => b > offset) ?? bytes.length;
  const regions: Region[] = [];
  for (const s of trace.segments) {
    const o = s.offset;
    const h = s.header;
    regions.push(
      { start: o, end: o + 8, label: `segment ${s.index} preamble: magic "MOQTRACE"`, kind: 'header' },
      {
        start: o + 8,
        end: o + 12,
        label: `segment ${s.index} preamble: version ${s.version} (u32 LE)`,
        kind: 'header',
      },
      {
        start: o + 12,
        end: o + 16,
        label: `segment ${s.index} preamble: header length ${s.headerLength} (u32 LE)`,
        kind: 'header',
      },
      {
        start: o + 16,
        end: s.eventsOffset,
        label: `segment ${s.index} header map: ${h.protocol}, ${h.perspective}, ${h.detail}, startTime ${h.startTime}`,
        kind: 'header',
      },
    );
    s.events.forEach((event, i) => {
      const start = s.eventOffsets[i]!;
      const name = event.type === 'unknown' ? `unknown(${event.eventType})` : event.type;
      regions.push({
        start,
        end: nextAfter(start),
        label: `event ${s.index}:${event.seq} ${name} t=${event.timestamp}µs`,
        kind: 'event',
      });
    });
  }
  for (const p of trace.problems) {
    if (p.code === 'DUPLICATE_KEY' || p.code === 'SEGMENT_MISMATCH') continue;
    if (regions.some((r) => r.start === p.offset)) continue;
    regions.push({ start: p.offset, end: nextAfter(p.offset), label: `${p.code}: ${p.message}`, kind: 'tail' });
  }
  return regions;
}
